import { createHmac } from 'node:crypto';
import type { IceConfig } from '@accord/shared';
import type { CallConfig } from '../config';

/**
 * TURN credentials in the TURN REST API scheme (draft-uberti-behave-turn-rest, what coturn's
 * `use-auth-secret` checks): the username is `<expiry unix seconds>:<user id>`, the password the
 * base64 HMAC-SHA1 of the username under the secret shared with the TURN server. The TURN server
 * needs no database of users and refuses a username whose expiry has passed.
 */
export function turnCredentials(
  secret: string,
  userId: string,
  ttlSeconds: number,
  now: Date = new Date(),
): { username: string; credential: string; expiresAt: Date } {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expiry * 1000) };
}

/** What a person's browser gets to reach the others: the configured servers and their own TURN credentials. */
export function iceConfigFor(config: CallConfig, userId: string, now: Date = new Date()): IceConfig {
  const iceServers: IceConfig['iceServers'] = config.iceServers.map((s) => ({
    urls: s.urls,
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.credential !== undefined ? { credential: s.credential } : {}),
  }));
  let expiresAt: string | null = null;
  if (config.turn) {
    const c = turnCredentials(config.turn.secret, userId, config.turn.ttlSeconds, now);
    iceServers.push({ urls: config.turn.urls, username: c.username, credential: c.credential });
    expiresAt = c.expiresAt.toISOString();
  }
  return { iceServers, iceTransportPolicy: config.iceTransportPolicy, expiresAt };
}
