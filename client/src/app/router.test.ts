import { describe, expect, it } from 'vitest';
import { nextPath, parseRoute } from './router';

const CASE = '6f1c2b8e-4a8b-4c1e-9d2a-3b5e7f9a1c2d';
const TRACKING = 'AbCdEfGhIjKlMnOpQrStUvWxYz012_-9';

describe('the URL scheme', () => {
  it('maps every page the app links to (and the end-to-end tests visit)', () => {
    expect(parseRoute('/')).toEqual({ page: 'home' });
    expect(parseRoute('')).toEqual({ page: 'home' });
    expect(parseRoute('/login')).toEqual({ page: 'login' });
    expect(parseRoute('/verify')).toEqual({ page: 'verify' });
    expect(parseRoute('/complain')).toEqual({ page: 'complain' });
    expect(parseRoute('/staff')).toEqual({ page: 'queue' });
    expect(parseRoute('/admin/mediators')).toEqual({ page: 'mediators' });
    expect(parseRoute('/staff/dashboard')).toEqual({ page: 'dashboard' });
    expect(parseRoute('/join/inv_abc.DEF-123')).toEqual({ page: 'join', invite: 'inv_abc.DEF-123' });
    expect(parseRoute(`/cases/${CASE}`)).toEqual({ page: 'room', caseId: CASE });
    expect(parseRoute(`/cases/${CASE}/record`)).toEqual({ page: 'record', caseId: CASE });
    expect(parseRoute(`/staff/cases/${CASE}`)).toEqual({ page: 'staffCase', caseId: CASE });
    expect(parseRoute(`/track/${TRACKING}`)).toEqual({ page: 'track', trackingId: TRACKING });
  });

  it('is exact: no trailing slash, no other case, parameters only of their own shape', () => {
    for (const path of [
      '/login/',
      '/LOGIN',
      `/cases/${CASE}/`,
      `/cases/${CASE.toUpperCase()}`,
      '/cases/not-a-case',
      `/cases/${CASE}/other`,
      `/track/${TRACKING}x`,
      '/track/short',
      '/join/',
      '/join/a/b',
      '/staff/cases/1',
      '/nowhere',
    ]) {
      expect(parseRoute(path), path).toEqual({ page: 'notFound' });
    }
  });
});

describe('coming back after signing in', () => {
  it('returns to a path of this site, and nowhere else', () => {
    expect(nextPath('?next=%2Fstaff%2Fcases%2Fabc')).toBe('/staff/cases/abc');
    expect(nextPath('?next=/admin/mediators')).toBe('/admin/mediators');
    for (const search of [
      '',
      '?next=',
      '?next=https://evil.example',
      '?next=//evil.example',
      '?next=/\\evil.example',
      '?next=javascript:alert(1)',
    ]) {
      expect(nextPath(search), search).toBe('/');
    }
  });
});
