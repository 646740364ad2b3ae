/**
 * The `security` scenario of `npm run bench`: how much one attacking account can slow another
 * user down. Each part measures a victim without and with its attacker on a server of its own.
 * Add a part by appending to `parts`.
 */
import { startServer } from '../server.js';
import type { BenchServer, ServerOptions } from '../server.js';
import { argon2Attack, argon2Control } from './argon2.js';
import { replayAttack } from './replay.js';

export interface SecurityPart {
  name: string;
  /** The server environment this part needs beyond the bench defaults. */
  env?: Record<string, string>;
  /** Run on the embedded store (PGlite queries share the server's main thread) instead of PostgreSQL. */
  embedded?: boolean;
  run(server: BenchServer, print: (line?: string) => void, quick: boolean): Promise<void>;
}

const parts: SecurityPart[] = [argon2Attack, argon2Control, replayAttack];

export async function security(
  services: Pick<ServerOptions, 'postgres' | 'redis'>,
  print: (line?: string) => void,
  quick: boolean,
): Promise<void> {
  for (const part of parts) {
    print(`security: ${part.name}${part.embedded ? ' (embedded store)' : ''}`);
    const server = await startServer({ ...services, env: part.env, embedded: part.embedded });
    try {
      await part.run(server, print, quick);
    } finally {
      await server.stop();
    }
  }
}
