import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import type { SendMessageBody } from '@messaging-app/shared';
import { fakeApi, problem } from '../../../test/fakeApi';
import { aMessage, aProfile } from '../../../test/factories';
import { session } from '../../../utils/session';
import { postMessage } from '../api/messages';
import type { OutboxEntry, OutboxStore } from './entry';
import { OutboxFlusher } from './flusher';
import { openIndexedDbOutbox } from './indexeddb-store';

const me = aProfile();
const roomId = crypto.randomUUID();
const opened: OutboxStore[] = [];
const flushers: OutboxFlusher[] = [];

afterEach(async () => {
  await Promise.all(flushers.splice(0).map((f) => f.stop()));
  for (const store of opened.splice(0)) store.close();
});

let order = 0;
function anEntry(body: string): OutboxEntry {
  order += 1;
  return {
    clientMsgId: crypto.randomUUID(),
    roomId,
    body,
    createdAt: new Date().toISOString(),
    order,
    state: 'pending',
  };
}

/** One browser profile's IndexedDB; each `tab()` opens the user's outbox in it as a tab would. */
function aBrowser() {
  const factory = new IDBFactory();
  return {
    async tab(): Promise<OutboxStore> {
      const store = await openIndexedDbOutbox(me.id, factory);
      opened.push(store);
      return store;
    },
  };
}

function flusherFor(store: OutboxStore, delivered: string[] = []) {
  const flusher = new OutboxFlusher({
    store,
    owner: crypto.randomUUID(),
    deliver: (entry, signal) => postMessage(entry.roomId, entry.body, entry.clientMsgId, signal),
    onDelivered: (entry) => delivered.push(entry.body),
    // Retries in these tests are driven by calling flush(), never by the clock.
    baseDelayMs: 60_000,
  });
  flushers.push(flusher);
  return flusher;
}

/** A server that stores each clientMsgId once and answers a retry with the original (200). */
function aServer(options: { before?: (body: SendMessageBody) => Promise<void> | void } = {}) {
  const stored = new Map<string, string>();
  let seq = 0;
  const server = fakeApi({
    sendMessage: async ({ body }) => {
      const sent = body as SendMessageBody;
      await options.before?.(sent);
      const known = stored.has(sent.clientMsgId ?? '');
      if (!known) stored.set(sent.clientMsgId ?? '', sent.body);
      seq += 1;
      return {
        status: known ? 200 : 201,
        body: aMessage(roomId, seq, { sender: me, body: sent.body, clientMsgId: sent.clientMsgId }),
      };
    },
    refresh: () => ({
      body: { user: me, accessToken: 'fresh', refreshToken: 'refresh-2', expiresIn: 900 },
    }),
  });
  return { server, stored: () => [...stored.values()] };
}

describe('the outbox', () => {
  it('is written before any network call, survives a reload, and sends oldest first, each once', async () => {
    session.set({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    const browser = aBrowser();
    const first = await browser.tab();
    let current = first;
    const storedWhenSent: string[][] = [];
    const { server, stored } = aServer({
      before: async () => {
        storedWhenSent.push((await current.list()).map((e) => e.body));
      },
    });
    for (const body of ['one', 'two', 'three']) await first.add(anEntry(body));
    expect(server.calls).toHaveLength(0);
    first.close();

    // The page reloads: the outbox is still there, in order.
    const reloaded = await browser.tab();
    current = reloaded;
    expect((await reloaded.list()).map((e) => e.body).sort()).toEqual(['one', 'three', 'two']);
    const delivered: string[] = [];
    await flusherFor(reloaded, delivered).flush();
    expect(stored()).toEqual(['one', 'two', 'three']);
    expect(delivered).toEqual(['one', 'two', 'three']);
    // Each left the outbox only after the server had it.
    expect(storedWhenSent.map((bodies) => bodies.sort())).toEqual([
      ['one', 'three', 'two'],
      ['three', 'two'],
      ['three'],
    ]);
    expect(await reloaded.list()).toEqual([]);
  });

  it('keeps the order through an outage: nothing goes out after a message the server could not take', async () => {
    session.set({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    const store = await aBrowser().tab();
    let down = true;
    const { server, stored } = aServer({
      before: () => {
        if (down) throw new TypeError('Failed to fetch');
      },
    });
    for (const body of ['a', 'b', 'c']) await store.add(anEntry(body));
    const flusher = flusherFor(store);
    await flusher.flush();
    expect(server.callsTo('sendMessage')).toHaveLength(1);
    expect((await store.list()).map((e) => e.state)).toEqual(['pending', 'pending', 'pending']);
    down = false;
    await flusher.flush();
    expect(stored()).toEqual(['a', 'b', 'c']);
    const ids = server.callsTo('sendMessage').map((c) => (c.body as SendMessageBody).clientMsgId);
    // The first message went twice with one clientMsgId; the server stored it once.
    expect(ids[0]).toBe(ids[1]);
    expect(ids).toHaveLength(4);
  });

  it('marks a permanently refused message failed with the reason, and sends the rest', async () => {
    session.set({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    const store = await aBrowser().tab();
    const refused = anEntry('too late');
    const stored: string[] = [];
    fakeApi({
      sendMessage: ({ body }) => {
        const sent = body as SendMessageBody;
        if (sent.clientMsgId === refused.clientMsgId) return problem(403, 'forbidden', 'join the room first');
        stored.push(sent.body);
        return { status: 201, body: aMessage(roomId, stored.length, { sender: me, body: sent.body }) };
      },
    });
    await store.add(anEntry('before'));
    await store.add(refused);
    await store.add(anEntry('after'));
    await flusherFor(store).flush();
    expect(stored).toEqual(['before', 'after']);
    expect(await store.list()).toEqual([{ ...refused, state: 'failed', error: 'join the room first' }]);
  });

  it('two tabs of one user flushing at once send each message once, in order', async () => {
    session.set({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    const browser = aBrowser();
    const [left, right] = [await browser.tab(), await browser.tab()];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first send hangs until both tabs have tried to flush.
    const { server, stored } = aServer({ before: () => gate });
    for (const body of ['1', '2', '3', '4']) await left.add(anEntry(body));
    const leftFlush = flusherFor(left).flush();
    const rightFlush = flusherFor(right).flush();
    await rightFlush;
    release();
    await leftFlush;
    expect(stored()).toEqual(['1', '2', '3', '4']);
    const ids = server.callsTo('sendMessage').map((c) => (c.body as SendMessageBody).clientMsgId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await right.list()).toEqual([]);
  });

  it('hears the other tab: a message queued in one shows as a change in the other', async () => {
    const browser = aBrowser();
    const [left, right] = [await browser.tab(), await browser.tab()];
    const heard = new Promise<void>((resolve) => right.onChange(resolve));
    await left.add(anEntry('from the left'));
    await heard;
    expect((await right.list()).map((e) => e.body)).toEqual(['from the left']);
  });

  it('refreshes an access token that expired during the outage before it sends', async () => {
    session.set({ accessToken: 'expired', refreshToken: 'refresh-1', expiresAt: Date.now() - 60_000 });
    const store = await aBrowser().tab();
    let down = true;
    const authorizations: (string | null)[] = [];
    const server = fakeApi({
      refresh: () => {
        if (down) throw new TypeError('Failed to fetch');
        return { body: { user: me, accessToken: 'fresh', refreshToken: 'refresh-2', expiresIn: 900 } };
      },
      sendMessage: ({ body, authorization }) => {
        authorizations.push(authorization);
        const sent = body as SendMessageBody;
        return { status: 201, body: aMessage(roomId, 1, { sender: me, body: sent.body }) };
      },
    });
    await store.add(anEntry('typed while offline'));
    const flusher = flusherFor(store);
    await flusher.flush();
    // The refresh could not reach the server: the message waits, and the session is kept.
    expect(server.callsTo('sendMessage')).toHaveLength(0);
    expect(session.get()?.refreshToken).toBe('refresh-1');
    expect(await store.list()).toHaveLength(1);
    down = false;
    await flusher.flush();
    expect(server.calls.map((c) => c.name)).toEqual(['refresh', 'refresh', 'sendMessage']);
    expect(authorizations).toEqual(['Bearer fresh']);
    expect(await store.list()).toEqual([]);
  });
});
