const allowed = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL if it is absolute with a safe scheme (http, https, mailto), else null: `javascript:`,
 * `data:`, `vbscript:`, relative and protocol-relative URLs are never made clickable.
 */
export function safeUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return allowed.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}
