import { z } from 'zod';

/** Identifiers are UUIDs serialised as strings. */
export const Id = z.uuid().describe('UUID');
export type Id = z.infer<typeof Id>;

/** Timestamps are ISO 8601 strings in UTC. */
export const Timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp');

/** A per-room event sequence number: gap-free, starts at 1. */
export const Seq = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A sequence number arriving in a query string. */
export const SeqQuery = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const IdParams = z.object({ id: Id });

export const Limit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** RFC 9457 problem details: the body of every error response. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

/** Machine-readable error codes used by problem+json and WebSocket `error` frames. */
export const ErrorCode = z.enum([
  'bad_request',
  'validation_failed',
  'invalid_json',
  'invalid_frame',
  'unknown_type',
  'unauthorized',
  'token_expired',
  'session_revoked',
  'forbidden',
  'not_found',
  'conflict',
  'username_taken',
  'email_taken',
  'already_member',
  'banned',
  'too_large',
  'unsupported_media_type',
  'rate_limited',
  'not_subscribed',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const problemContentType = 'application/problem+json';
