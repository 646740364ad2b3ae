import type { Logger } from 'pino';

/**
 * Runs `steps` once, on the first SIGINT or SIGTERM. A shutdown that fails or outlives `deadlineMs`
 * exits with 1, so an orchestrator never waits on a process stuck closing.
 */
export function onShutdown(log: Logger, name: string, deadlineMs: number, steps: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${name} shutting down`);
    const deadline = setTimeout(() => {
      log.error(`${name} shutdown took longer than ${deadlineMs / 1000} s; exiting`);
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    try {
      await steps();
      log.info(`${name} stopped`);
    } catch (error) {
      log.error({ err: error }, `${name} shutdown failed`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
