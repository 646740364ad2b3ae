import { vi } from 'vitest';
import { api } from '@messaging-app/shared';
import type { EndpointName } from '@messaging-app/shared';

export interface FakeRequest {
  name: EndpointName;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  authorization: string | null;
}
export interface FakeResponse {
  status?: number;
  body?: unknown;
}
export type Handler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;
export type Handlers = Partial<Record<EndpointName, Handler>>;

function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const found = new RegExp(`^${source}$`).exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
}

/** A problem+json answer like the server's. */
export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: { path: string; message: string }[],
) {
  return {
    status,
    body: { type: `urn:messaging-app:problem:${code}`, title: 'Error', status, detail, code, errors },
  };
}

/**
 * Answers `fetch` from handlers keyed by the route table's endpoint names (the UI's view of the server in
 * unit tests; the browser tests use the real one). An unexpected call fails the test.
 */
export function fakeApi(handlers: Handlers) {
  const calls: FakeRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    for (const [name, endpoint] of Object.entries(api) as [EndpointName, (typeof api)[EndpointName]][]) {
      if (endpoint.method !== method) continue;
      const params = match(endpoint.path, url.pathname);
      if (!params) continue;
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected call ${method} ${url.pathname}`);
      const headers = new Headers(init?.headers);
      const request: FakeRequest = {
        name,
        params,
        query: url.searchParams,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
        authorization: headers.get('authorization'),
      };
      calls.push(request);
      const { status = 200, body } = await handler(request);
      if (status === 204) return new Response(null, { status });
      const type = status >= 400 ? 'application/problem+json' : 'application/json';
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
    }
    throw new Error(`no route ${method} ${url.pathname}`);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    callsTo: (name: EndpointName) => calls.filter((c) => c.name === name),
  };
}
