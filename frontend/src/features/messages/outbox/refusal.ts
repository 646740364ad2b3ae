import { ApiError } from '../../../utils/api';

/**
 * Why the server refused a message for good, or null when sending it again later may work: no
 * answer at all (server down, timeout), a 5xx, 408, 429 (rate limited) and 401 (the session is
 * being refreshed, or the user signs in again first) all keep the message queued.
 */
export function refusalOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const { status } = error;
  if (status < 400 || status >= 500 || status === 401 || status === 408 || status === 429) return null;
  return error.problem?.detail ?? error.message;
}
