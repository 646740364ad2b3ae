import { Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFrame, ServerFrame } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';

/**
 * The WebSocket protocol as AsyncAPI 3, validated by the AsyncAPI project's own parser (its schema and
 * Spectral rules). Re-run after adding frames:
 *   cd backend && npx vitest run --project embedded test/asyncapi.embedded.test.ts
 */

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp({ mode: 'embedded' });
});
afterAll(async () => {
  await app?.close();
});

/** Every `type` value of a frame union, read from the zod schemas themselves. */
function typesOf(union: typeof ClientFrame | typeof ServerFrame): string[] {
  return union.options.flatMap((frame) => {
    const options = 'options' in frame ? (frame.options as Array<{ shape: { type: unknown } }>) : [frame];
    return options.flatMap(({ shape }) => {
      const type = shape.type as { values?: Set<string>; options?: string[] };
      return type.options ?? [...(type.values ?? [])];
    });
  });
}

describe('AsyncAPI document', () => {
  it('is valid AsyncAPI 3 for @asyncapi/parser: no error, no warning', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/asyncapi.json' });
    expect(response.statusCode).toBe(200);
    const { document, diagnostics } = await new Parser().parse(response.body);
    const findings = diagnostics.map((d) => `${d.severity} ${d.code} at ${d.path.join('.')}: ${d.message}`);
    expect(findings).toEqual([]);
    expect(document?.version()).toBe('3.1.0');
  }, 60_000);

  it('describes every frame of the shared schemas, in both directions', async () => {
    const doc = (await app.server.inject({ method: 'GET', url: '/asyncapi.json' })).json();
    const messages = Object.values(doc.components.messages) as Array<{ name: string; title: string }>;
    const named = (direction: string) =>
      messages
        .filter((m) => m.title.includes(direction))
        .map((m) => m.name)
        .sort();
    expect(named('client → server')).toEqual(typesOf(ClientFrame).sort());
    expect(named('server → client')).toEqual(typesOf(ServerFrame).sort());
    expect(doc.operations.receiveMessageSend.reply.messages[0].$ref).toBe(
      '#/channels/socket/messages/serverMessageAck',
    );
  });

  it('is rendered in the API docs and linked from the OpenAPI reference', async () => {
    const page = await app.server.inject({ method: 'GET', url: '/docs/websocket' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    for (const type of [...typesOf(ClientFrame), ...typesOf(ServerFrame)]) {
      expect(page.body).toContain(`<code>${type}</code>`);
    }
    const openapi = (await app.server.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(openapi.info.description).toContain('(/docs/websocket)');
  });
});
