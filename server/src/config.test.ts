import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrlOf } from './config';

describe('loadConfig', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies defaults and generates a persistent token secret in the data dir', () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    const a = loadConfig({ ACCORD_DATA_DIR: dir });
    expect(a).toMatchObject({ port: 8080, host: '127.0.0.1', sqliteSync: 'full', seed: true, publicUrl: null });
    const file = join(dir, 'token-secret');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(a.tokenSecret);
    expect(loadConfig({ ACCORD_DATA_DIR: dir }).tokenSecret).toBe(a.tokenSecret);
    expect(publicUrlOf(a, 9000)).toBe('http://localhost:9000');
  });

  it('uses the given secret and public URL without writing anything', () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    const c = loadConfig({
      ACCORD_DATA_DIR: dir,
      ACCORD_TOKEN_SECRET: 's'.repeat(40),
      ACCORD_PUBLIC_URL: 'https://mediation.example.org/',
      PORT: '0',
    });
    expect(c.tokenSecret).toBe('s'.repeat(40));
    expect(publicUrlOf(c, 1234)).toBe('https://mediation.example.org');
    expect(existsSync(join(dir, 'token-secret'))).toBe(false);
  });

  it('names every invalid variable', () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    const attempt = () =>
      loadConfig({ ACCORD_DATA_DIR: dir, PORT: '99999', ACCORD_TOKEN_SECRET: 'short', ACCORD_SQLITE_SYNC: 'off' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT[\s\S]*ACCORD_TOKEN_SECRET[\s\S]*ACCORD_SQLITE_SYNC/);
  });

  it('reads the trusted proxies as a list, and refuses one that is not an address or range', () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    expect(loadConfig({ ACCORD_DATA_DIR: dir }).trustedProxies).toEqual(['loopback']);
    expect(loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8' }).trustedProxies).toEqual(
      ['loopback', '10.0.0.0/8'],
    );
    expect(() => loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TRUSTED_PROXIES: 'loopback,lb.internal' })).toThrow(
      /ACCORD_TRUSTED_PROXIES/,
    );
  });
  describe('the call', () => {
    const secret = 't'.repeat(32);
    const urls = 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349?transport=tcp';

    it('has no ICE servers and no TURN by default, every path allowed', () => {
      dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
      expect(loadConfig({ ACCORD_DATA_DIR: dir }).call).toEqual({
        iceServers: [],
        turn: null,
        iceTransportPolicy: 'all',
        awayMs: 15_000,
      });
    });

    it('reads the TURN URLs, secret and lifetime, the ICE servers and the relay-only policy', () => {
      dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
      const c = loadConfig({
        ACCORD_DATA_DIR: dir,
        ACCORD_TURN_URLS: urls,
        ACCORD_TURN_SECRET: secret,
        ACCORD_TURN_TTL_S: '900',
        ACCORD_ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
        ACCORD_ICE_TRANSPORT_POLICY: 'relay',
        ACCORD_CALL_AWAY_MS: '5000',
      });
      expect(c.call).toEqual({
        iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
        turn: {
          urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'],
          secret,
          ttlSeconds: 900,
        },
        iceTransportPolicy: 'relay',
        awayMs: 5_000,
      });
    });

    it('refuses TURN URLs without the secret, and the secret without URLs', () => {
      dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
      const both = /set both ACCORD_TURN_URLS and ACCORD_TURN_SECRET/;
      expect(() => loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TURN_URLS: urls })).toThrow(ConfigError);
      expect(() => loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TURN_URLS: urls })).toThrow(both);
      expect(() => loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TURN_SECRET: secret })).toThrow(ConfigError);
      expect(() => loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TURN_SECRET: secret })).toThrow(both);
    });

    it('names a bad TURN URL, a short secret, a lifetime out of range and an unknown policy', () => {
      dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
      const load = (env: Record<string, string>) => () =>
        loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_TURN_URLS: urls, ACCORD_TURN_SECRET: secret, ...env });
      expect(load({ ACCORD_TURN_URLS: 'stun:turn.example.org' })).toThrow(/ACCORD_TURN_URLS[\s\S]*turn: or turns:/);
      expect(load({ ACCORD_TURN_URLS: ' , ' })).toThrow(/ACCORD_TURN_URLS/);
      expect(load({ ACCORD_TURN_SECRET: 'short' })).toThrow(/ACCORD_TURN_SECRET/);
      expect(load({ ACCORD_TURN_TTL_S: '10' })).toThrow(/ACCORD_TURN_TTL_S/);
      expect(load({ ACCORD_ICE_TRANSPORT_POLICY: 'none' })).toThrow(/ACCORD_ICE_TRANSPORT_POLICY/);
    });

    it('names ACCORD_ICE_SERVERS and what is wrong with it', () => {
      dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
      const load = (v: string) => () => loadConfig({ ACCORD_DATA_DIR: dir, ACCORD_ICE_SERVERS: v });
      // Not JSON at all: the parser's own complaint is passed on.
      expect(load('stun:stun.example.org')).toThrow(ConfigError);
      expect(load('stun:stun.example.org')).toThrow(
        /ACCORD_ICE_SERVERS[\s\S]*not a JSON array of ICE servers[\s\S]*JSON/,
      );
      // JSON, but not an array of servers: where in it, in one line.
      expect(load('{"urls":"stun:a.example.org"}')).toThrow(/ICE servers: \(root\): .*expected array/);
      expect(load('[{"username":"u"}]')).toThrow(/ICE servers: 0\.urls: /);
      expect(load('[{"urls":"stun:a.example.org","password":"p"}]')).toThrow(/ICE servers: 0: .*"password"/);
    });
  });
});
