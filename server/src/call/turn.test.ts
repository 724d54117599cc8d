import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CallConfig } from '../config';
import { iceConfigFor, turnCredentials } from './turn';

const secret = 'a-secret-shared-with-coturn';
const now = new Date('2026-12-01T09:00:00.400Z');

describe('TURN REST API credentials', () => {
  it('the username is `<expiry>:<userId>`, the password the base64 HMAC-SHA1 of it under the secret', () => {
    const c = turnCredentials(secret, 'user-42', 3600, now);
    const expiry = Math.floor(now.getTime() / 1000) + 3600;
    expect(c.username).toBe(`${expiry}:user-42`);
    expect(c.credential).toBe(createHmac('sha1', secret).update(c.username).digest('base64'));
    // A known vector, so that a change of scheme shows (coturn computes the same).
    expect(turnCredentials('secret', 'u', 60, new Date(0)).credential).toBe(
      createHmac('sha1', 'secret').update('60:u').digest('base64'),
    );
    expect(c.expiresAt.toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it('another secret or user gives another password', () => {
    const c = turnCredentials(secret, 'user-42', 3600, now);
    expect(turnCredentials('another-secret-entirely', 'user-42', 3600, now).credential).not.toBe(c.credential);
    expect(turnCredentials(secret, 'user-43', 3600, now).credential).not.toBe(c.credential);
  });

  const config: CallConfig = {
    iceServers: [{ urls: ['stun:stun.example.com:3478'] }],
    turn: { urls: ['turn:127.0.0.1:3478?transport=udp'], secret, ttlSeconds: 600 },
    iceTransportPolicy: 'relay',
    awayMs: 15_000,
  };

  it('the ICE config lists the static servers, then Accord’s TURN with this person’s credentials', () => {
    const ice = iceConfigFor(config, 'user-42', now);
    expect(ice.iceTransportPolicy).toBe('relay');
    expect(ice.iceServers[0]).toEqual({ urls: ['stun:stun.example.com:3478'] });
    const turn = ice.iceServers[1];
    expect(turn?.urls).toEqual(['turn:127.0.0.1:3478?transport=udp']);
    expect(turn?.username).toBe(`${Math.floor(now.getTime() / 1000) + 600}:user-42`);
    expect(turn?.credential).toBe(
      createHmac('sha1', secret)
        .update(turn?.username ?? '')
        .digest('base64'),
    );
    expect(ice.expiresAt).toBe('2026-12-01T09:10:00.000Z');
  });

  it('without TURN: only the static servers, and no expiry', () => {
    expect(iceConfigFor({ ...config, turn: null, iceServers: [] }, 'u', now)).toEqual({
      iceServers: [],
      iceTransportPolicy: 'relay',
      expiresAt: null,
    });
  });
});
