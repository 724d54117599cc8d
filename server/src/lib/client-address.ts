import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';

/** Whether the hop at `addr` (the i-th from the peer) is a proxy we believe. Express's `trust proxy` function. */
export type TrustProxy = (addr: string, i: number) => boolean;

/**
 * `ACCORD_TRUSTED_PROXIES` compiled once: addresses, CIDR ranges or proxy-addr's names
 * (`loopback`, `linklocal`, `uniquelocal`). The same function is given to Express (req.ip for sign-in
 * limits) and to the connection limit, so both agree on who the client is.
 */
export const trustProxies = (list: readonly string[]): TrustProxy => proxyaddr.compile([...list]);

const bare = (address: string) => address.replace(/^::ffff:/, '');

/**
 * The address a connection is counted against: walking X-Forwarded-For from the peer back, the
 * first hop that is not a trusted proxy. What a client wrote further left is never reached, because
 * the proxy appends the real peer. A hop that is not an address is not believed: the peer counts.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const peer = bare(req.socket.remoteAddress ?? 'unknown');
  // proxy-addr reads `req.connection`, which IncomingMessage only has as a deprecated alias.
  const address = bare(proxyaddr({ connection: req.socket, headers: req.headers } as IncomingMessage, trust));
  return isIP(address) === 0 ? peer : address;
}
