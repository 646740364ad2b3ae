import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { rateLimitsFromEnv } from './ratelimit/settings.js';
import type { RateLimits } from './ratelimit/settings.js';

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalUrl,
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  REDIS_URL: optionalUrl,
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/)
    .default('messaging-app'),
  RABBITMQ_URL: optionalUrl,
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().min(3).default('messaging-app <no-reply@localhost>'),
  JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  PUBLIC_URL: optionalUrl,
  CORS_ORIGINS: z.string().default(''),
  EMAIL_DELAY: z.coerce.number().min(0).default(120).describe('seconds; decimals allowed'),
  EMAIL_RETRY_DELAY: z.coerce.number().min(0).default(5).describe('seconds before the first retry; doubles'),
  EMAIL_RETRY_MAX_DELAY: z.coerce.number().min(0).default(3600).describe('seconds; cap of the doubling'),
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  EMAIL_SWEEP_INTERVAL: z.coerce.number().positive().default(60).describe('seconds between sweeps'),
  EMAIL_SWEEP_GRACE: z.coerce.number().min(0).default(600).describe('seconds a job may be late'),
  EMAIL_CLAIM_LEASE: z.coerce.number().positive().default(300).describe('seconds one sender owns a digest'),
  EMAIL_MAX_AGE: z.coerce.number().positive().default(259_200).describe('seconds; older is not swept'),
  RABBITMQ_PREFIX: z
    .string()
    .regex(/^[\w.:-]{0,64}$/)
    .default('')
    .describe('namespace of exchange and queue names; a "." separator is added'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLE: z.enum(['all', 'api', 'worker', 'migrate']).default('all'),
  EVENT_RETENTION: z.coerce.number().int().min(1).default(10_000),
  MESSAGE_EDIT_WINDOW: z.coerce
    .number()
    .min(0)
    .default(0)
    .describe('seconds after posting during which its author may edit a message; 0 = no limit'),
  WS_REVALIDATE_SECONDS: z.coerce
    .number()
    .min(0.05)
    .max(3600)
    .default(15)
    .describe('seconds between re-reads of every socket’s session and memberships; decimals allowed'),
  FRONTEND_DIST: z.string().optional(),
  METRICS_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16).optional()),
  TRUST_PROXY: z
    .string()
    .optional()
    .describe('comma-separated proxy addresses or CIDRs, or loopback/uniquelocal'),
});

export type Role = z.infer<typeof Env>['ROLE'];

export interface Config {
  env: 'development' | 'test' | 'production';
  role: Role;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A PostgreSQL query unanswered this long fails (503) and its connection is dropped: a stalled server. */
  databaseQueryTimeoutMs: number;
  /** Opening a PostgreSQL connection, or waiting for a free one, fails (503) after this long. */
  databaseConnectTimeoutMs: number;
  redisUrl: string | undefined;
  /** Namespace of every Redis key and channel, so several deployments (or test runs) share one Redis. */
  redisPrefix: string;
  rabbitmqUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  jwtSecret: string;
  publicUrl: string;
  corsOrigins: string[];
  emailDelayMs: number;
  /** The first retry's wait; each further failure doubles it up to `emailRetryMaxDelayMs`. */
  emailRetryDelayMs: number;
  emailRetryMaxDelayMs: number;
  /** Deliveries of an email job before it is dead-lettered. */
  emailMaxAttempts: number;
  /** How often the sweeper looks for pending notifications whose job is gone, and how late a job may be. */
  emailSweepIntervalMs: number;
  emailSweepGraceMs: number;
  /** How long one sender owns a claimed digest before another may send it (same Message-ID). */
  emailClaimLeaseMs: number;
  /** Notifications older than this are not swept any more (a replay still sends them). */
  emailMaxAgeMs: number;
  /** Names of exchanges and queues start with this, `.`-separated (`prod.notifications`); may be empty. */
  rabbitmqPrefix: string;
  logLevel: string;
  eventRetention: number;
  /** How long after posting a message its author may still edit it; null: no limit. */
  messageEditWindowMs: number | null;
  /**
   * How often every socket's session and room memberships are re-read from the database: the most a
   * lost kick or logout (a dropped bus message) can keep access alive.
   */
  revalidateMs: number;
  frontendDist: string | undefined;
  /**
   * Roles `api` and `all` also serve `/metrics` (and the probes) on this port, without credentials:
   * the one Prometheus scrapes, never exposed publicly.
   */
  metricsPort: number | undefined;
  /** `/metrics` on the public port answers only `Authorization: Bearer <this>`; unset, it is a 404. */
  metricsToken: string | undefined;
  /**
   * Addresses of the reverse proxies whose X-Forwarded-For entries are believed (read from the right).
   * Never "all": the left-most entries are the client's to forge, and per-IP limits key on the result.
   */
  trustProxy: string[];
  /** Rate limits and cache lifetimes (RATE_LIMIT_*, LOGIN_*, CACHE_TTL_SECONDS). */
  limits: RateLimits;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const weakSecrets = new Set(['secret', 'changeme', 'change-me', 'jwt-secret', 'replace-me', 'dev', 'test']);
const minSecretLength = 32;

/** A development secret is generated once and kept in DATA_DIR, so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

function jwtSecret(env: z.infer<typeof Env>, dataDir: string): string {
  const given = env.JWT_SECRET;
  const weak =
    given !== undefined && (given.length < minSecretLength || weakSecrets.has(given.toLowerCase()));
  if (env.NODE_ENV === 'production') {
    if (given === undefined) throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
    if (weak)
      throw new ConfigError(`JWT_SECRET is too weak: use at least ${minSecretLength} random characters`);
    return given;
  }
  if (given !== undefined) {
    if (weak)
      throw new ConfigError(`JWT_SECRET is too weak: use at least ${minSecretLength} random characters`);
    return given;
  }
  return developmentSecret(dataDir);
}

function limitsFrom(source: NodeJS.ProcessEnv): RateLimits {
  try {
    return rateLimitsFromEnv(source);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

/** Reads and validates the environment once, at boot. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = resolve(overrides.dataDir ?? env.DATA_DIR);
  const port = overrides.port ?? env.PORT;
  const host = overrides.host ?? env.HOST;
  const config: Config = {
    env: env.NODE_ENV,
    role: env.ROLE,
    host,
    port,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databaseQueryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS,
    databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    rabbitmqUrl: env.RABBITMQ_URL,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    jwtSecret: overrides.jwtSecret ?? jwtSecret(env, dataDir),
    publicUrl: (env.PUBLIC_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`).replace(
      /\/$/,
      '',
    ),
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
    emailDelayMs: Math.round(env.EMAIL_DELAY * 1000),
    emailRetryDelayMs: Math.round(env.EMAIL_RETRY_DELAY * 1000),
    emailRetryMaxDelayMs: Math.round(env.EMAIL_RETRY_MAX_DELAY * 1000),
    emailMaxAttempts: env.EMAIL_MAX_ATTEMPTS,
    emailSweepIntervalMs: Math.round(env.EMAIL_SWEEP_INTERVAL * 1000),
    emailSweepGraceMs: Math.round(env.EMAIL_SWEEP_GRACE * 1000),
    emailClaimLeaseMs: Math.round(env.EMAIL_CLAIM_LEASE * 1000),
    emailMaxAgeMs: Math.round(env.EMAIL_MAX_AGE * 1000),
    rabbitmqPrefix: env.RABBITMQ_PREFIX,
    logLevel: env.LOG_LEVEL,
    eventRetention: env.EVENT_RETENTION,
    messageEditWindowMs: env.MESSAGE_EDIT_WINDOW > 0 ? Math.round(env.MESSAGE_EDIT_WINDOW * 1000) : null,
    revalidateMs: Math.round(env.WS_REVALIDATE_SECONDS * 1000),
    frontendDist: env.FRONTEND_DIST,
    metricsPort: env.METRICS_PORT,
    metricsToken: env.METRICS_TOKEN,
    // In a cluster the ingress and pods have private addresses; a public one is the client.
    trustProxy: (env.TRUST_PROXY ?? (env.NODE_ENV === 'production' ? 'loopback,uniquelocal' : ''))
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
    limits: limitsFrom(source),
    ...overrides,
  };
  return config;
}
