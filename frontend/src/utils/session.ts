/** The tokens of the signed-in user: kept in localStorage so a reload stays signed in. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
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
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
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
