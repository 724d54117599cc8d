import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/process';
import { startServer, type TestServer } from '../helpers/server';

/** How the built client reaches a browser: precompressed, cached by name, no source maps. */
const dist = join(repoRoot, 'client/dist');
const built = existsSync(join(dist, 'index.html'));
if (!built) {
  const message = 'client/dist is missing: run `pnpm build` first (`pnpm test` does)';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!! SKIPPED client delivery: ${message}\n`);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET (fetch would decompress and hide Content-Encoding). */
function get(url: string, acceptEncoding: string | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!built)('the built client, as served', () => {
  let server: TestServer;
  let script: string;
  beforeAll(async () => {
    server = await startServer();
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1] ?? '';
  });
  afterAll(() => server?.close());

  it('sends a script brotli-compressed to a browser that takes brotli, gzip to one that takes gzip only', async () => {
    expect(script).toMatch(/^\/assets\/index-.+\.js$/);
    const original = readFileSync(join(dist, script));
    const br = await get(server.url + script, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers['content-type'])).toMatch(/javascript/);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    expect(br.body.length).toBeLessThan(original.length / 2);

    const gz = await get(server.url + script, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);

    const plain = await get(server.url + script, null);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
    expect(String(br.headers.vary)).toMatch(/Accept-Encoding/i);
  });

  it('caches hashed files for a year and revalidates the page and the service worker', async () => {
    const asset = await get(server.url + script, 'br');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of [
      '/',
      '/complain',
      '/track/abcdefghijklmnopqrstuvwxyz012345',
      '/sw.js',
      '/manifest.webmanifest',
    ]) {
      const res = await get(server.url + path, 'br');
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('sends the page itself compressed, on every client route', async () => {
    const html = readFileSync(join(dist, 'index.html'));
    for (const path of ['/', '/complain', '/cases/00000000-0000-4000-8000-000000000000']) {
      const res = await get(server.url + path, 'br, gzip');
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(String(res.headers['content-type']), path).toMatch(/text\/html/);
      expect(brotliDecompressSync(res.body).equals(html), path).toBe(true);
    }
    const missing = await get(`${server.url}/no/such/page`, 'gzip');
    expect(missing.status).toBe(404);
    expect(gunzipSync(missing.body).equals(html)).toBe(true);
  });

  it('has no source map to give, and a missing hashed file is a plain 404', async () => {
    const map = await get(`${server.url + script}.map`, null);
    expect(map.status).toBe(404);
    expect(map.body.toString()).not.toContain('sourcesContent');
    expect(readdirSync(join(dist, 'assets')).some((f) => f.endsWith('.map'))).toBe(false);
    const gone = await get(`${server.url}/assets/index-0ld8u1ld.js`, null);
    expect(gone.status).toBe(404);
    expect(String(gone.headers['content-type'])).toMatch(/text\/plain/);
  });
});
