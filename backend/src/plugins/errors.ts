import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { problemContentType } from '@messaging-app/shared';
import type { ErrorCode, Problem } from '@messaging-app/shared';
import { AppError } from '../services/errors.js';
import { isDatabaseUnavailable } from '../db/errors.js';

/** Seconds a client is asked to wait before retrying while the database is unreachable. */
export const databaseRetryAfterSeconds = 2;

/** Fastify's own error codes for bad requests, mapped to ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_failed',
};

export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  extra: Partial<Pick<Problem, 'errors' | 'instance'>> = {},
): Problem {
  return {
    type: `urn:messaging-app:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

function fromError(error: FastifyError | AppError | Error): {
  problem: Problem;
  headers: Record<string, string>;
} {
  if (error instanceof AppError) {
    const extra = error.errors.length > 0 ? { errors: error.errors } : {};
    return { problem: problem(error.status, error.code, error.message, extra), headers: error.headers };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.'),
      message: v.message ?? 'is invalid',
    }));
    const first = errors[0];
    const detail = first ? `${first.path}: ${first.message}` : 'the request is invalid';
    return { problem: problem(400, 'validation_failed', detail, { errors }), headers: {} };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: problem(503, 'unavailable', 'the database is unreachable right now; try again shortly'),
      headers: { 'retry-after': String(databaseRetryAfterSeconds) },
    };
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code: ErrorCode =
      (fastifyError.code && fastifyCodes[fastifyError.code]) ||
      (status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'bad_request');
    const headers: Record<string, string> = {};
    return { problem: problem(status, code, error.message), headers };
  }
  return { problem: problem(500, 'internal', 'something went wrong on our side'), headers: {} };
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}) {
  return reply.code(body.status).headers(headers).type(problemContentType).send(body);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem code of a 4xx answer, for the access line. */
    problemCode: string | undefined;
  }
}

/** Every error, ours or Fastify's, leaves as RFC 9457 problem+json; only a bug is a 500. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('problemCode', undefined);
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { problem: body, headers } = fromError(error);
      if (body.code === 'unavailable') {
        // An outage, not a bug: one warning per request, without the stack.
        request.log.warn({ code: body.code, reason: error.message }, 'request failed: database unavailable');
      } else if (body.status >= 500) {
        request.log.error(
          { err: error, serialization: isResponseSerializationError(error) },
          'request failed',
        );
      } else {
        // The access line names the code; the detail is there for whoever turns debug on.
        request.problemCode = body.code;
        request.log.debug({ code: body.code, status: body.status }, body.detail);
      }
      return sendProblem(reply, { ...body, instance: request.url.split('?')[0] }, headers);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(
        reply,
        problem(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
      ),
    );
  },
  { name: 'errors' },
);
