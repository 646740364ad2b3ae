import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

/** Never log a credential: these paths are censored wherever they appear. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'password',
  'token',
  'refreshToken',
  'accessToken',
];

export interface LoggerOptions {
  /** Human-readable single lines (a developer's terminal); JSON lines otherwise. */
  pretty?: boolean;
}

/** Fields the request line already says in its message, left out of the pretty form. */
const prettyIgnore = 'pid,hostname,reqId,method,url,statusCode,responseTime,code';

/** Pretty lines on a terminal outside production, JSON lines for everything else (files, collectors). */
export function wantsPrettyLogs(env: string, stream: { isTTY?: boolean } = process.stdout): boolean {
  return env !== 'production' && stream.isTTY === true;
}

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const base = { level, redact: { paths: redactPaths, censor: '[redacted]' } };
  if (destination) return pino(base, destination);
  if (options.pretty) {
    return pino(
      base,
      pretty({
        colorize: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: prettyIgnore,
        singleLine: true,
        sync: true,
      }),
    );
  }
  return pino(base);
}
