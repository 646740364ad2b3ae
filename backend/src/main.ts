import { loadConfig, ConfigError } from './config.js';
import type { Role } from './config.js';
import { createLogger, wantsPrettyLogs } from './logger.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { openRuntime } from './runtime.js';
import { onShutdown } from './shutdown.js';
import { buildApp } from './app.js';
import { startWorker } from './worker/worker.js';
import { runWorkerRole } from './worker/worker-role.js';
import { startOpsServer } from './metrics/ops-server.js';
import type { OpsServer } from './metrics/ops-server.js';
import type { ReadinessCheck } from './routes/health.js';
import { CloseCode } from '@messaging-app/shared';
import { runDeadLettersCommand, UsageError } from './worker/dead-letters-command.js';
import type { Worker } from './worker/worker.js';
import { installLastResort } from './last-resort.js';

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

/** Ready only while the email consumer is registered: a worker that cannot consume is not ready. */
function consumerCheck(worker: () => Worker | null) {
  return {
    name: 'email-consumer',
    check: async () => (worker()?.consumer.consuming() ? ('up' as const) : ('down' as const)),
  };
}

async function main() {
  const config = loadConfig();
  if (process.argv[2] === 'dead-letters') {
    // An operator's command: its output is the answer, the logs go to stderr.
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    await runDeadLettersCommand(config, log, process.argv.slice(3), (line) =>
      process.stdout.write(`${line}\n`),
    );
    return;
  }
  const role = roleFromArgs(config.role);
  const log = createLogger(config.logLevel, undefined, { pretty: wantsPrettyLogs(config.env) });
  installLastResort(log);
  if (role === 'migrate') {
    await runMigrate(config, log);
    return;
  }
  const runtime = await openRuntime(config, log, { migrate: role === 'all', role });
  const databaseCheck: ReadinessCheck = {
    name: 'database',
    check: async () => {
      await runtime.database.ping();
      return runtime.database.kind === 'pglite' ? 'embedded' : 'up';
    },
  };
  if (role === 'worker') {
    const worker = runWorkerRole(config, runtime, log);
    // No API here, but the probes and Prometheus still need /healthz, /readyz and /metrics.
    const ops = await startOpsServer({
      host: config.host,
      port: config.port,
      log,
      checks: [databaseCheck, ...runtime.readiness, consumerCheck(() => worker)],
    });
    // Running jobs get longer than requests: a digest may be mid-SMTP.
    onShutdown(log, 'worker', 30_000, async () => {
      await ops.close();
      await worker.stop();
      await runtime.close();
    });
    return;
  }
  let worker: Worker | null = null;
  if (role === 'all') runtime.readiness.push(consumerCheck(() => worker));
  const app = await buildApp({ config, ...runtime, logger: log, readiness: runtime.readiness });
  worker =
    role === 'all' ? startWorker({ ctx: app.ctx, queue: runtime.queue, mailer: runtime.mailer }) : null;

  let ops: OpsServer | null = null;
  onShutdown(log, role, 10_000, async () => {
    app.stopAccepting();
    // Stops reading frames, waits for the frames being handled and the acks of stored sends (the
    // send batchers drain), then closes the sockets: nothing is acked that was not stored.
    await app.closeSockets(CloseCode.serviceRestart);
    // Stops listening, lets in-flight requests finish, runs the onClose hooks.
    await app.server.close();
    await ops?.close();
    // Running email jobs finish; unstarted ones stay queued.
    await worker?.stop();
    // Then the backing services: queue consumers finish or requeue their jobs, pools close.
    await runtime.close();
  });

  await app.server.listen({ host: config.host, port: config.port });
  // Prometheus scrapes this port; the public one answers /metrics only with METRICS_TOKEN.
  if (config.metricsPort !== undefined) {
    const checks = [databaseCheck, ...runtime.readiness];
    ops = await startOpsServer({ host: config.host, port: config.metricsPort, log, checks });
  }
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log.info({ role, url, database: runtime.database.kind }, 'listening');
  if (process.stdout.isTTY || process.env.npm_lifecycle_event) {
    process.stdout.write(`\nmessaging-app is running at ${url}  (role ${role}, Ctrl-C to stop)\n\n`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof UsageError) {
    process.stderr.write(`messaging-app: ${error.message}\n`);
  } else {
    process.stderr.write(
      `messaging-app failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
