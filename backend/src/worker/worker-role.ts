import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Runtime } from '../runtime.js';
import { startWorker } from './worker.js';
import type { Worker } from './worker.js';
import { createContext } from '../services/context.js';

/**
 * Role `worker`: no API, just the relay and the consumer. Stopping lets running jobs finish;
 * prefetched ones go back to the queue when the channel closes.
 */
export function runWorkerRole(config: Config, runtime: Runtime, log: Logger): Worker {
  return startWorker({
    ctx: createContext({
      config,
      db: runtime.database.db,
      bus: runtime.bus,
      presence: runtime.presence,
      log,
    }),
    queue: runtime.queue,
    mailer: runtime.mailer,
  });
}
