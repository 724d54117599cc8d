import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking defence. Browsers always send `Origin` on a
 * WebSocket handshake and pages cannot forge it; a page from another site
 * must not open a socket that a stolen-in-the-URL or ambient credential would
 * then authorise. Allowed: the page's own host (same origin, also behind a
 * proxy that keeps `Host`), and the configured origins. A request without
 * `Origin` comes from no browser (a CLI, a test, another server) and is left
 * to the token, as it could set any header anyway.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.includes(url.origin)) return true;
  return url.host === req.headers.host;
}
