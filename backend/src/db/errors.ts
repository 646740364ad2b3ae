/** The SQLSTATE of a database error, looking through the wrappers drizzle and the drivers add. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The violated constraint of a unique-violation error, when the driver reports it. */
export function violatedConstraint(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const constraint = (current as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string') return constraint;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const uniqueViolation = '23505';
export const foreignKeyViolation = '23503';

/**
 * SQLSTATEs that mean the server or the connection is gone, not that the request was wrong: connection
 * exceptions (class 08), an administrator or crash shutdown (57P01-57P03, e.g. `pg_terminate_backend`, a
 * restart or failover) and a full server (53300).
 */
const unavailableStates = /^(08...|57P0[1-3]|53300)$/;

/** Socket-level failures of the connection to the database. */
const unavailableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What `pg`, `pg-pool` and PGlite say when the connection (or the embedded engine) is gone. */
const unavailableMessages = [
  /^Connection terminated/,
  /^Query read timeout$/,
  /^timeout exceeded when trying to connect$/,
  /is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^PGlite is clos(ed|ing)$/,
];

/** WebAssembly's trap error; the backend's typings leave out the WebAssembly namespace. */
const wasmRuntimeError = (globalThis as { WebAssembly?: { RuntimeError?: abstract new () => Error } })
  .WebAssembly?.RuntimeError;

/**
 * True when `error` (or an error it wraps) says the database could not be reached or lost the
 * connection: a temporary condition that answers 503 (or an `error` frame / close 1011 on a socket),
 * never a bug. A constraint violation or a syntax error is not one of these.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (unavailableStates.test(code) || unavailableErrnos.has(code)))
      return true;
    if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message)))
      return true;
    // PGlite is PostgreSQL compiled to WebAssembly: a trap aborts the engine, which serves nothing after.
    if (name === 'RuntimeError' && wasmRuntimeError && current instanceof wasmRuntimeError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
