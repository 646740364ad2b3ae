import type { Logger } from 'pino';
import { metrics } from './metrics/metrics.js';

/**
 * The last resort of the process: an error that escaped every boundary (a bug, since each entry
 * point owns its failures) is logged and counted in `process_unhandled_errors_total{kind}`, and the
 * process keeps serving everyone else instead of exiting. Returns the function that removes it.
 */
export function installLastResort(log: Logger): () => void {
  const onRejection = (reason: unknown) => {
    metrics.processFailures.inc({ kind: 'unhandledRejection' });
    log.error({ err: reason }, 'unhandled rejection: a failure escaped its boundary');
  };
  const onException = (error: Error) => {
    metrics.processFailures.inc({ kind: 'uncaughtException' });
    log.error({ err: error }, 'uncaught exception: a failure escaped its boundary');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
