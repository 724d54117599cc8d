import { useMemo, useSyncExternalStore } from 'react';
import { parseRoute, type Route } from '@accord/shared';

// The URL scheme is in the contract (shared/src/pages.ts): the server answers 404 for a path that is no page.
export { parseRoute, type Route };

/** Told of our own navigations; the browser's back and forward come as `popstate`. */
const listeners = new Set<() => void>();

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const pathname = () => window.location.pathname;

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, pathname);
  return useMemo(() => parseRoute(path), [path]);
}

/** Where to come back to after signing in: a path of this site only (never `//host`, never a URL). */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
