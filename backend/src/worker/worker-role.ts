import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Runtime } from '../runtime.js';
import { startWorker } from './worker.js';

/**
 * Role `worker`: no HTTP server, just the relay and the consumer. SIGTERM lets running jobs finish;
 * prefetched ones go back to the queue when the channel closes.
 */
export async function runWorkerRole(config: Config, runtime: Runtime, log: Logger): Promise<void> {
  const worker = startWorker({
    ctx: { config, db: runtime.database.db, bus: runtime.bus, presence: runtime.presence, log },
    queue: runtime.queue,
    mailer: runtime.mailer,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down');
    const deadline = setTimeout(() => {
      log.error('worker shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    deadline.unref();
    try {
      await worker.stop();
      await runtime.close();
      log.info('worker stopped');
    } catch (error) {
      log.error({ err: error }, 'worker shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
