import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress as addressOf, trustProxies } from '../lib/client-address';
import { ConnectionLimit } from './connection-limit';

const loopback = trustProxies(['loopback']);
const clientAddress = (r: IncomingMessage) => addressOf(r, loopback);

const req = (remoteAddress: string, forwarded?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('is the peer, unless the peer is a proxy on loopback', () => {
    expect(clientAddress(req('198.51.100.4', '203.0.113.1'))).toBe('198.51.100.4');
    expect(clientAddress(req('::ffff:198.51.100.4'))).toBe('198.51.100.4');
    expect(clientAddress(req('127.0.0.1'))).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', '203.0.113.1'))).toBe('203.0.113.1');
    expect(clientAddress(req('::1', '2001:db8::1'))).toBe('2001:db8::1');
  });

  it('takes the nearest forwarded address that is not loopback; what the client wrote further left does not count', () => {
    expect(clientAddress(req('127.0.0.1', '10.9.9.9, 203.0.113.1'))).toBe('203.0.113.1');
    expect(clientAddress(req('127.0.0.1', '203.0.113.1, 127.0.0.1'))).toBe('203.0.113.1');
  });

  it('believes a proxy on another host only when ACCORD_TRUSTED_PROXIES lists it', () => {
    const lb = trustProxies(['loopback', '10.0.0.0/8']);
    expect(addressOf(req('10.1.2.3', '203.0.113.1'), lb)).toBe('203.0.113.1');
    expect(addressOf(req('10.1.2.3', '203.0.113.1'), loopback)).toBe('10.1.2.3');
    // Two trusted hops (load balancer, then nginx on this host): the client is the first untrusted one.
    expect(addressOf(req('127.0.0.1', '198.51.100.7, 10.1.2.3'), lb)).toBe('198.51.100.7');
    expect(() => trustProxies(['not-a-range'])).toThrow();
  });

  it('does not believe what is not an address', () => {
    expect(clientAddress(req('127.0.0.1', 'evil'))).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', '203.0.113.1, x'.repeat(3)))).toBe('127.0.0.1');
  });
});

describe('ConnectionLimit', () => {
  it('counts per address up to the ceiling; a release counts once', () => {
    const limit = new ConnectionLimit(2);
    const first = limit.acquire('a');
    const second = limit.acquire('a');
    expect(first && second).toBeTruthy();
    expect(limit.acquire('a')).toBeNull();
    expect(limit.acquire('b')).not.toBeNull();
    first?.();
    first?.();
    expect(limit.count('a')).toBe(1);
    expect(limit.acquire('a')).not.toBeNull();
    expect(limit.acquire('a')).toBeNull();
  });
});
