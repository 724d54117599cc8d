import { useEffect, useState } from 'react';

// Four routes do not warrant a routing library: the path is parsed here and
// navigation uses the History API.

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
  | { page: 'notFound' };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '') return { page: 'home' };
  if (path === '/login') return { page: 'login' };
  if (path === '/verify') return { page: 'verify' };
  if (path === '/complain') return { page: 'complain' };
  if (path === '/staff') return { page: 'queue' };
  if (path === '/admin/mediators') return { page: 'mediators' };
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

const listeners = new Set<() => void>();

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
