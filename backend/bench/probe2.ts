import { buildTestApp, testConfig } from '../test/support/app.js';
import { createRoom, registerUser } from '../test/support/factories.js';
import { sendMessage } from '../src/services/messages/send-message.js';
import { loadRoomForMember } from '../src/services/rooms/access.js';
import { sql } from 'drizzle-orm';

const app = await buildTestApp({ mode: 'services', config: { frontendDist: '/x', limits: { ...testConfig().limits, registerPerIpPerHour: 1e6 } } });
const u = await registerUser(app.server);
const room = await createRoom(app.server, u);
const time = async (name: string, f: () => Promise<unknown>) => {
  const t = performance.now();
  for (let i = 0; i < 20; i++) await f();
  process.stdout.write(`${name}: ${((performance.now() - t) / 20).toFixed(2)} ms\n`);
};
await time('select 1', () => app.ctx.db.execute(sql`select 1`));
await time('loadRoomForMember', () => loadRoomForMember(app.ctx.db, u.user.id, room.id));
await time('empty tx', () => app.ctx.db.transaction(async (tx) => { await tx.execute(sql`select 1`); }));
await time('sendMessage', () => sendMessage(app.ctx, { userId: u.user.id, roomId: room.id, body: 'hi', clientMsgId: crypto.randomUUID() }));
await app.close();
