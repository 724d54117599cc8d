import { describe, expect, expectTypeOf, it } from 'vitest';
import { ROUTES, pathOf, routeOf, type RouteKey, type RouteParams, type RouteSpec } from './index';

const keys = Object.keys(ROUTES) as RouteKey[];

describe('the REST route table', () => {
  it.each(keys)('%s: a method, an /api path, and a schema for each parameter the path names', (key) => {
    expect(key).toMatch(/^(GET|POST|PUT|DELETE) \/api(\/[a-z-]+|\/:[A-Za-z]+)+$/);
    const spec: RouteSpec = ROUTES[key];
    const named = [...routeOf(key).path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    expect(Object.keys(spec.params ?? {})).toEqual(named);
    // Only bodies of POST and PUT; uploads are POST.
    if (spec.body || spec.upload) expect(['POST', 'PUT']).toContain(routeOf(key).method);
  });

  it('pathOf fills in and encodes each parameter', () => {
    expect(pathOf('GET /api/me')).toBe('/api/me');
    expect(pathOf('GET /api/cases/:caseId/evidence/:evidenceId', { caseId: 'a/b', evidenceId: 'c d' })).toBe(
      '/api/cases/a%2Fb/evidence/c%20d',
    );
    expect(pathOf('POST /api/invites/:invite/accept', { invite: 'x.y_z-1' })).toBe('/api/invites/x.y_z-1/accept');
    expectTypeOf<RouteParams<'DELETE /api/cases/:caseId/invites/:inviteId'>>().toEqualTypeOf<{
      caseId: string;
      inviteId: string;
    }>();
  });
});
