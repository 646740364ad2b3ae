import { loadConfig, ConfigError } from './config.js';
import type { Role } from './config.js';
import { createLogger } from './logger.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { openRuntime } from './runtime.js';
import { buildApp } from './app.js';
import { startWorker } from './worker/worker.js';
import { runWorkerRole } from './worker/worker-role.js';
import { startOpsServer } from './metrics/ops-server.js';
import { CloseCode } from '@messaging-app/shared';

const roles: readonly Role[] = ['all', 'api', 'worker', 'migrate'];

function roleFromArgs(fallback: Role): Role {
  const arg = process.argv[2];
  if (arg === undefined) return fallback;
  if ((roles as readonly string[]).includes(arg)) return arg as Role;
  throw new ConfigError(`unknown role "${arg}": use one of ${roles.join(', ')}`);
}

async function runMigrate(config: ReturnType<typeof loadConfig>, log: ReturnType<typeof createLogger>) {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    log.info({ database: database.kind }, 'migrations applied');
  } finally {
    await database.close();
  }
}

async function main() {
  const config = loadConfig();
  const role = roleFromArgs(config.role);
  const log = createLogger(config.logLevel);
  if (role === 'migrate') {
    await runMigrate(config, log);
    return;
  }
  const runtime = await openRuntime(config, log, { migrate: role === 'all', role });
  if (role === 'worker') {
    // No API here, but the liveness probe and Prometheus still need /healthz and /metrics.
    const ops = await startOpsServer({ host: config.host, port: config.port, log });
    const closeOps = () =>
      void ops.close().catch((error: unknown) => log.error({ err: error }, 'ops server close failed'));
    process.once('SIGINT', closeOps);
    process.once('SIGTERM', closeOps);
    await runWorkerRole(config, runtime, log);
    return;
  }
  const app = await buildApp({ config, ...runtime, logger: log, readiness: runtime.readiness });
  const worker =
    role === 'all' ? startWorker({ ctx: app.ctx, queue: runtime.queue, mailer: runtime.mailer }) : null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.stopAccepting();
    app.closeSockets(CloseCode.serviceRestart);
    const deadline = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    try {
      // Stops listening, lets in-flight requests finish, runs the onClose hooks.
      await app.server.close();
      // Running email jobs finish; unstarted ones stay queued.
      await worker?.stop();
      // Then the backing services: queue consumers finish or requeue their jobs, pools close.
      await runtime.close();
      log.info('stopped');
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.server.listen({ host: config.host, port: config.port });
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log.info({ role, url, database: runtime.database.kind }, 'listening');
  if (process.stdout.isTTY || process.env.npm_lifecycle_event) {
    process.stdout.write(`\nmessaging-app is running at ${url}  (role ${role}, Ctrl-C to stop)\n\n`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`messaging-app: ${error.message}\n`);
  } else {
    process.stderr.write(
      `messaging-app failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
