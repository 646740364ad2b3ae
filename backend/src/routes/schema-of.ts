import { z } from 'zod';
import { Problem, api } from '@messaging-app/shared';
import type { Endpoint } from '@messaging-app/shared';

type ResponsesOf<E extends Endpoint> = {
  [K in keyof E['responses']]: E['responses'][K] extends null ? z.ZodNull : E['responses'][K];
} & { '4xx': typeof Problem };

export interface SchemaOf<E extends Endpoint> {
  operationId: string;
  summary: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  params: E extends { params: infer P } ? P : undefined;
  querystring: E extends { querystring: infer Q } ? Q : undefined;
  body: E extends { body: infer B } ? B : undefined;
  response: ResponsesOf<E>;
}

/** The key of an endpoint in the shared route table: its stable OpenAPI `operationId`. */
function operationIdOf(endpoint: Endpoint): string {
  const entry = Object.entries(api).find(([, candidate]) => candidate === endpoint);
  if (!entry) throw new Error(`${endpoint.method} ${endpoint.path} is not in the shared route table`);
  return entry[0];
}

/** The Fastify schema of an endpoint of the shared contract: the contract is declared once. */
export function schemaOf<E extends Endpoint>(endpoint: E): SchemaOf<E> {
  const response: Record<string, z.ZodType> = { '4xx': Problem };
  for (const [status, schema] of Object.entries(endpoint.responses)) {
    response[status] = schema ?? z.null().describe('No Content');
  }
  const schema: Record<string, unknown> = {
    operationId: operationIdOf(endpoint),
    summary: endpoint.summary,
    tags: [endpoint.tag],
    response,
  };
  // Public operations say so explicitly (`[]`), so no client or linter guesses a global default.
  schema.security = endpoint.auth ? [{ bearerAuth: [] }] : [];
  if (endpoint.params) schema.params = endpoint.params;
  if (endpoint.querystring) schema.querystring = endpoint.querystring;
  if (endpoint.body) schema.body = endpoint.body;
  return schema as unknown as SchemaOf<E>;
}
