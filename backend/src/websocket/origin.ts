import type { Config } from '../config.js';

/**
 * The serialised origin of a URL, or undefined when it has none: unparsable text, and opaque origins
 * (`null`, `file:`, `data:`, `chrome-extension:` …) which WHATWG serialises as the string "null".
 */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Browsers send `Origin` on a WebSocket handshake and do not apply CORS to it, so the server must:
 * allowed are the configured CORS origins, the app's public URL, and the origin of the Host the
 * request came to (the app serving its own frontend). No Origin at all is a non-browser client.
 */
export function originAllowed(config: Config, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  const given = originOf(origin);
  if (given === undefined) return false;
  if (config.corsOrigins.some((allowed) => originOf(allowed) === given)) return true;
  if (originOf(config.publicUrl) === given) return true;
  return host !== undefined && new URL(given).host === host.toLowerCase();
}
