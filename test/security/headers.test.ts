import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccordServer, loadConfig, type AccordServer } from '@accord/server';
import { makeTempDir } from '../helpers/server';

/**
 * Hardening: helmet's headers and the content security policy on every response (the page, the
 * API, errors), without a browser. In Chromium: `xss.e2e.test.ts`. Why each directive: docs/SECURITY.md.
 */
describe('security headers', () => {
  // Behind a proxy at a public URL (which does not resolve here): the node itself is reached locally.
  const dir = makeTempDir();
  let server: AccordServer;
  let base = '';
  beforeAll(async () => {
    server = createAccordServer(
      loadConfig({
        PORT: '0',
        ACCORD_DATA_DIR: dir,
        ACCORD_LOG_LEVEL: 'silent',
        ACCORD_SEED: 'false',
        ACCORD_PUBLIC_URL: 'https://accord.example.org',
      }),
    );
    base = `http://127.0.0.1:${(await server.listen()).port}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/', '/join/abc', '/api/health', '/api/no-such-route'])('%s', async (path) => {
    const res = await fetch(`${base}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .find(([n]) => n === name)
        ?.slice(1);
    expect(directive('default-src')).toEqual(["'self'"]);
    expect(directive('script-src')).toEqual(["'self'"]);
    expect(directive('script-src-attr')).toEqual(["'none'"]);
    expect(directive('object-src')).toEqual(["'none'"]);
    expect(directive('frame-ancestors')).toEqual(["'none'"]);
    expect(directive('base-uri')).toEqual(["'none'"]);
    expect(directive('connect-src')).toEqual(["'self'", 'wss://accord.example.org']);
    expect(csp).not.toMatch(/unsafe-eval|upgrade-insecure-requests|\*/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
