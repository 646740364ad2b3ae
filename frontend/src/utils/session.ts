/** The tokens of the signed-in user: kept in localStorage so a reload stays signed in. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch), so it can be renewed before a call fails. */
  expiresAt?: number;
}

const storageKey = 'messaging-app.session';
type Listener = () => void;
const listeners = new Set<Listener>();

function read(): Tokens | null {
  const raw = localStorage.getItem(storageKey);
  if (!raw) return null;
  const parsed: unknown = JSON.parse(raw);
  if (
    parsed &&
    typeof parsed === 'object' &&
    'accessToken' in parsed &&
    'refreshToken' in parsed &&
    typeof parsed.accessToken === 'string' &&
    typeof parsed.refreshToken === 'string'
  ) {
    const expiresAt =
      'expiresAt' in parsed && typeof parsed.expiresAt === 'number' ? parsed.expiresAt : undefined;
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken, expiresAt };
  }
  return null;
}

let current: Tokens | null = read();

function emit() {
  for (const listener of listeners) listener();
}

// Another tab refreshed or logged out: adopt its tokens, or a spent refresh token would revoke the family.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== storageKey) return;
    current = read();
    emit();
  });
}

/** The tokens of an auth response, with the access token's expiry made absolute. */
export function tokensOf(response: { accessToken: string; refreshToken: string; expiresIn: number }): Tokens {
  return {
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresAt: Date.now() + response.expiresIn * 1000,
  };
}

export const session = {
  get: (): Tokens | null => current,
  set(tokens: Tokens | null) {
    current = tokens;
    if (tokens) localStorage.setItem(storageKey, JSON.stringify(tokens));
    else localStorage.removeItem(storageKey);
    emit();
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
