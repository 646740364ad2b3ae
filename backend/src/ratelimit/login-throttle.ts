import type { Limiter } from './limiter.js';
import { tooManyRequests } from './limiter.js';

const knownSourceMs = 30 * 24 * 3600 * 1000;

/**
 * Which budget an attempt spends. An address that has logged in to the account before keeps its own
 * budget (OWASP's "device cookie" idea, keyed by address because our tokens are not cookies), so an
 * attacker exhausting the account's shared budget does not lock its owner out.
 */
async function scopeOf(limiter: Limiter, account: string, ip: string): Promise<string> {
  const known = await limiter.store.has(`login:known:${account}:${ip}`);
  return known ? `${account}:ip:${ip}` : `${account}:shared`;
}

/**
 * Admits one password verification for `account` (see loginAccountKey) from `ip`, or throws 429. After `loginSlowdownAfter`
 * failures attempts are spaced by a doubling delay; past `loginAccountMax` verifications in the
 * window the account is closed to that budget until the window passes. Returns the scope to report
 * the outcome against.
 */
export async function admitLogin(limiter: Limiter, account: string, ip: string): Promise<string> {
  const s = limiter.settings;
  const scope = await scopeOf(limiter, account, ip);
  const failures = await limiter.store.count(`login:fail:${scope}`);
  if (failures >= s.loginSlowdownAfter && s.loginSlowdownBaseMs > 0) {
    const delay = Math.min(
      s.loginSlowdownMaxMs,
      s.loginSlowdownBaseMs * 2 ** (failures - s.loginSlowdownAfter),
    );
    // The slot is claimed atomically, so concurrent attempts cannot all slip through one opening.
    const slot = await limiter.store.claim(`login:slot:${scope}`, delay);
    if (!slot.claimed) throw tooManyRequests('login_slowdown', slot.ttlMs, 'too many failed logins');
  }
  // Counted before verifying: under any concurrency at most loginAccountMax verifications happen.
  const attempts = await limiter.store.increment(`login:attempts:${scope}`, s.loginWindowSeconds * 1000);
  if (attempts.count > s.loginAccountMax) {
    throw tooManyRequests('login_account', attempts.ttlMs, 'too many login attempts for this account');
  }
  return scope;
}

/** Records the outcome of an admitted attempt. */
export async function reportLogin(
  limiter: Limiter,
  scope: string,
  account: string,
  ip: string,
  succeeded: boolean,
): Promise<void> {
  if (!succeeded) {
    await limiter.store.increment(`login:fail:${scope}`, limiter.settings.loginWindowSeconds * 1000);
    return;
  }
  await limiter.store.forget(`login:fail:${scope}`);
  await limiter.store.remember(`login:known:${account}:${ip}`, knownSourceMs);
}
