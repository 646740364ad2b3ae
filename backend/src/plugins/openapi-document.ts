import { problemContentType } from '@messaging-app/shared';

interface MediaLike {
  schema?: unknown;
}
interface ResponseLike {
  description?: string;
  content?: Record<string, MediaLike>;
}
type OperationLike = { responses?: Record<string, ResponseLike> } | undefined;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The Problem schema of the shared contract (a 503 of /readyz, say, is plain JSON). */
function isProblem(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || !('properties' in schema)) return false;
  const properties = Object.keys((schema as { properties: object }).properties);
  return ['type', 'title', 'status', 'detail', 'code'].every((name) => properties.includes(name));
}

/**
 * What the generator cannot say from a zod schema alone: a 204 has no body at all (not a JSON `null`), and
 * errors are `application/problem+json`, which is what the server sends.
 */
export function finishOpenApi<D extends { paths?: object }>(document: D): D {
  for (const pathItem of Object.values(document.paths ?? {}) as Array<Record<string, OperationLike>>) {
    for (const method of methods) {
      for (const [status, response] of Object.entries(pathItem[method]?.responses ?? {})) {
        if ('$ref' in response) continue;
        if (status === '204') {
          delete response.content;
          response.description = 'No Content';
        } else if (/^[45]/.test(status) && isProblem(response.content?.['application/json']?.schema)) {
          const { ['application/json']: json, ...rest } = response.content ?? {};
          response.content = { ...rest, [problemContentType]: json ?? {} };
          response.description = 'Problem details (RFC 9457)';
        }
      }
    }
  }
  return document;
}
