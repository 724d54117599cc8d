/**
 * The client's pages and their URLs. In the contract because the server needs it too: a path that is
 * no page is answered 404 (the client still renders its not-found page), every page 200.
 */

// Hand-written on purpose (wouter 3 was weighed, issue 14): the URL scheme is one pure function from
// a path to a discriminated union that App switches over, so TypeScript checks every page is handled
// and a test can read every URL. wouter's string patterns match case-insensitively and accept a
// trailing slash, and its parameters take any segment (ours only take a case UUID or a 32-character
// tracking id, anything else is "not found"): keeping the URLs exact would mean a RegExp per route with
// parameters typed `string | undefined`. What it would replace is the location subscription in
// client/src/app/router.ts, a dozen lines, and it patches `history.pushState`/`replaceState` globally to do it.

export type Route =
  | { page: 'home' }
  | { page: 'login' }
  | { page: 'join'; invite: string }
  | { page: 'room'; caseId: string }
  | { page: 'record'; caseId: string }
  | { page: 'verify' }
  | { page: 'complain' }
  | { page: 'track'; trackingId: string }
  | { page: 'queue' }
  | { page: 'staffCase'; caseId: string }
  | { page: 'mediators' }
  | { page: 'accounts' }
  | { page: 'dashboard' }
  | { page: 'notFound' };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '') return { page: 'home' };
  if (path === '/login') return { page: 'login' };
  if (path === '/verify') return { page: 'verify' };
  if (path === '/complain') return { page: 'complain' };
  if (path === '/staff') return { page: 'queue' };
  if (path === '/admin/mediators') return { page: 'mediators' };
  if (path === '/admin/accounts') return { page: 'accounts' };
  if (path === '/staff/dashboard') return { page: 'dashboard' };
  const track = /^\/track\/([A-Za-z0-9_-]{32})$/.exec(path);
  if (track?.[1]) return { page: 'track', trackingId: track[1] };
  const staffCase = /^\/staff\/cases\/([0-9a-f-]{36})$/.exec(path);
  if (staffCase?.[1]) return { page: 'staffCase', caseId: staffCase[1] };
  const record = /^\/cases\/([0-9a-f-]{36})\/record$/.exec(path);
  if (record?.[1]) return { page: 'record', caseId: record[1] };
  const join = /^\/join\/([^/]+)$/.exec(path);
  if (join?.[1]) return { page: 'join', invite: join[1] };
  const room = /^\/cases\/([0-9a-f-]{36})$/.exec(path);
  if (room?.[1]) return { page: 'room', caseId: room[1] };
  return { page: 'notFound' };
}
