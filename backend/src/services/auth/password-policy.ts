import { readFileSync } from 'node:fs';
import { limits } from '@messaging-app/shared';

let common: Set<string> | undefined;

/** The shipped list of common and breached passwords, read once on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#')),
  );
  return common;
}

/** Context words shorter than this are only refused as the whole password, not inside one. */
const minContained = 4;

/**
 * Why a new password is refused, or null. NIST SP 800-63B: at least 8 characters, not one of the
 * 10,000 most common (breached) passwords, not the username or email (nor containing them); no
 * composition rules. The message is for the person choosing it.
 */
export function passwordProblem(password: string, owner: { username: string; email: string }): string | null {
  if (password.length < limits.passwordMin) return `Use at least ${limits.passwordMin} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    return 'This password is one of the 10,000 most common passwords, which attackers try first; choose another.';
  }
  const username = owner.username.toLowerCase();
  const email = owner.email.toLowerCase();
  const local = email.split('@')[0] ?? '';
  const has = (word: string) =>
    word.length > 0 && (lower === word || (word.length >= minContained && lower.includes(word)));
  if (has(username)) return 'The password must not be or contain your username.';
  if (has(email) || has(local)) return 'The password must not be or contain your email address.';
  return null;
}
