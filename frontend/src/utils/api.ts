import type { z } from 'zod';
import { api, pathFor } from '@messaging-app/shared';
import type { Api, EndpointName, Problem } from '@messaging-app/shared';
import { session, tokensOf } from './session';

type Schema<T> = T extends z.ZodType ? z.output<T> : undefined;
/** The success body of an endpoint (every status of its response table). */
export type ResponseOf<N extends EndpointName> = {
  [S in keyof Api[N]['responses']]: Schema<Api[N]['responses'][S]>;
}[keyof Api[N]['responses']];
type BodyOf<N extends EndpointName> = Api[N] extends { body: infer B extends z.ZodType } ? z.input<B> : never;
type QueryOf<N extends EndpointName> = Api[N] extends { querystring: infer Q extends z.ZodType }
  ? Partial<Record<keyof z.input<Q>, string | number | boolean | undefined>>
  : never;

export interface CallOptions<N extends EndpointName> {
  params?: Record<string, string>;
  query?: QueryOf<N>;
  body?: BodyOf<N>;
  signal?: AbortSignal;
}

/** A failed call: the status and the server's problem+json, when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `request failed with status ${status}`);
  }

  /** Field errors keyed by the field name (`body.username` → `username`). */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const error of this.problem?.errors ?? []) {
      const name = error.path.replace(/^(body|querystring|params)\./, '');
      fields[name] ??= error.message;
    }
    return fields;
  }
}

/** What a form says when its request never reached the server. */
export const unreachable = 'Could not reach the server. Check your connection and try again.';

/**
 * A failed request as a form shows it: problem+json validation errors on their fields, anything else
 * as one message for the whole form (`otherwise`, when given, replaces a non-API error's own text).
 */
export function formErrors(
  error: unknown,
  otherwise?: string,
): { fields: Record<string, string>; form: string | null } {
  if (!error) return { fields: {}, form: null };
  if (!(error instanceof ApiError)) {
    return { fields: {}, form: otherwise ?? (error instanceof Error ? error.message : String(error)) };
  }
  const fields = error.fieldErrors();
  return { fields, form: Object.keys(fields).length === 0 ? error.message : null };
}

let refreshing: Promise<boolean> | null = null;
const renewWithinMs = 30_000;

/**
 * Trades the refresh token for a new pair. Concurrent callers share one request: the server spends a
 * refresh token on first use, so a second parallel refresh would look like token theft.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const tokens = session.get();
    if (!tokens) return false;
    try {
      const res = await rawCall('refresh', { body: { refreshToken: tokens.refreshToken } }, null);
      session.set(tokensOf(res));
      return true;
    } catch (error) {
      // Only a rejected token ends the session; a network error leaves it for the next try.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        session.set(null);
        return false;
      }
      throw error;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function rawCall<N extends EndpointName>(
  name: N,
  options: CallOptions<N>,
  accessToken: string | null,
): Promise<ResponseOf<N>> {
  const endpoint = api[name];
  let url = pathFor(endpoint.path, options.params);
  if (options.query) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query as Record<string, unknown>)) {
      if (value !== undefined) search.set(key, String(value));
    }
    const text = search.toString();
    if (text) url += `?${text}`;
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(url, {
    method: endpoint.method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!response.ok) {
    const type = response.headers.get('content-type') ?? '';
    const problem = type.includes('json') ? ((await response.json()) as Problem) : null;
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return undefined as ResponseOf<N>;
  return (await response.json()) as ResponseOf<N>;
}

/** Calls an endpoint of the route table; on a 401 refreshes the session once and retries. */
export async function call<N extends EndpointName>(
  name: N,
  options: CallOptions<N> = {},
): Promise<ResponseOf<N>> {
  if (!api[name].auth) return rawCall(name, options, null);
  // Renew a token about to expire first: cheaper than a failed call, and no 401 in the console.
  const expiresAt = session.get()?.expiresAt;
  if (expiresAt !== undefined && expiresAt - Date.now() < renewWithinMs) await refreshSession();
  const token = session.get()?.accessToken ?? null;
  try {
    return await rawCall(name, options, token);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || !token) throw error;
    // Another call may have refreshed already while this one was in flight.
    const latest = session.get()?.accessToken;
    const fresh = latest && latest !== token ? true : await refreshSession();
    if (!fresh) throw error;
    return rawCall(name, options, session.get()?.accessToken ?? null);
  }
}
