import { counter } from './registry.js';

/** Cache lookups by cache (`membership`, `profile`): the hit ratio shows whether the cache pays. */
export const cacheHits = counter('messaging_cache_hits_total', 'Cache lookups answered from the cache', [
  'cache',
]);
export const cacheMisses = counter(
  'messaging_cache_misses_total',
  'Cache lookups that went to the database',
  ['cache'],
);

/** Every argon2 verification done for a login: brute force shows up here. */
export const passwordVerifications = counter(
  'messaging_login_password_verifications_total',
  'Password verifications: logins and current-password checks of profile changes',
  [],
);

/** Requests and frames refused by a limit, by limit name. */
export const rateLimited = counter('messaging_rate_limited_total', 'Calls refused by a rate limit', [
  'limit',
]);
