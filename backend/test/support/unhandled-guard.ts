import { afterAll, afterEach } from 'vitest';

/*
 * A setup file of every test project: an error that escapes every boundary of the app (an
 * unhandled rejection, an uncaught exception) fails the test during which it surfaced, or the
 * file's afterAll if it surfaced between tests. In production such an error reaches the
 * last-resort handler (src/last-resort.ts); in the suite it is a bug to fix, never noise.
 */
const escaped: string[] = [];

function describe(kind: string, error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `${kind}: ${text}`;
}

process.on('unhandledRejection', (reason) => escaped.push(describe('unhandled rejection', reason)));
process.on('uncaughtExceptionMonitor', (error) => escaped.push(describe('uncaught exception', error)));

/** A rejection is reported after the microtasks of the tick that dropped it: give it that tick. */
async function check(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (escaped.length === 0) return;
  const found = escaped.splice(0);
  throw new Error(`${found.length} error(s) escaped every boundary:\n${found.join('\n\n')}`);
}

afterEach(check);
afterAll(check);
