import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeOf, type ErrorBody, type RouteKey } from '@accord/shared';
import { startServer, type TestServer } from '../helpers/server';

const keys = Object.keys(ROUTES) as RouteKey[];

describe('every route of shared/src/routes.ts', () => {
  it('is named in docs/PROTOCOL.md as `METHOD /api/path/:param`', () => {
    const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
    expect(keys.filter((key) => !doc.includes(`\`${key}\``))).toEqual([]);
  });

  describe('is served', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startServer();
    });
    afterAll(async () => {
      await t.close();
    });

    /** The message of the /api fallback for a path no router holds, or null when a route answered. */
    async function fallback(method: string, path: string): Promise<string | null> {
      const res = await fetch(`${t.url}${path}`, {
        method,
        ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
      });
      if (res.status !== 404) return null;
      const body = (await res.json().catch(() => null)) as { error?: ErrorBody } | null;
      return body?.error?.message.startsWith('no route') ? body.error.message : null;
    }

    it('an unknown route answers the fallback (what the check below looks for)', async () => {
      expect(await fallback('POST', '/api/cases/00000000-0000-4000-8000-000000000000/nothing')).toMatch(/^no route/);
    });

    it('no key of the table answers the fallback', async () => {
      const unserved: string[] = [];
      for (const key of keys) {
        const { method, path } = routeOf(key);
        // Any value serves: the router matches the path before anything checks the parameter.
        const url = path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
        if ((await fallback(method, url)) !== null) unserved.push(key);
      }
      expect(unserved).toEqual([]);
    });
  });
});
