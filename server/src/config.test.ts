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
});
