import { limits } from '@messaging-app/shared';

/** The server's password policy in a sentence; its refusal, when it comes, replaces this on the field. */
export const passwordHint = `At least ${limits.passwordMin} characters; not a common password, nor your username or email.`;
