import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { api, problemContentType } from '@messaging-app/shared';
import { finishOpenApi } from './openapi-document.js';

/** What each tag of the route table groups; a tag added to the table without an entry still gets one. */
const tagDescriptions: Record<string, string> = {
  auth: 'Accounts and sessions: register, log in, refresh and revoke tokens.',
  users: 'The caller’s profile and other people.',
  rooms: 'Rooms, their members and who may see them.',
  messages: 'History, sending and read markers.',
  notifications: 'Mentions and invitations addressed to the caller.',
  operations: 'Liveness and readiness probes.',
};

function tagsOfTable() {
  const names = [...new Set(Object.values(api).map((endpoint) => endpoint.tag))];
  return names.map((name) => ({
    name,
    description: tagDescriptions[name] ?? `Operations on ${name}.`,
  }));
}

export interface OpenApiOptions {
  /** Where clients reach the API (PUBLIC_URL); the document's only server. */
  publicUrl: string;
}

/**
 * The OpenAPI document, generated from the route schemas of the shared route table, at /openapi.json and
 * rendered at /docs. The WebSocket protocol is the AsyncAPI document at /asyncapi.json.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance, { publicUrl }: OpenApiOptions) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'messaging-app API',
          version: '0.1.0',
          description: [
            `REST API of messaging-app. Errors are RFC 9457 \`${problemContentType}\`; validation errors list each field in \`errors[].path\`.`,
            '',
            'Real-time delivery runs over the WebSocket at `/ws`: its frames are described by the AsyncAPI 3 document at [/asyncapi.json](/asyncapi.json), rendered at [/docs/websocket](/docs/websocket).',
          ].join('\n'),
          license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
        },
        servers: [{ url: publicUrl, description: 'This deployment (PUBLIC_URL)' }],
        tags: tagsOfTable(),
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: (documentObject) => {
        if (!('openapiObject' in documentObject)) throw new Error('expected an OpenAPI 3 document');
        return finishOpenApi(documentObject.openapiObject);
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
