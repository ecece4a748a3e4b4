// The current route as reactive state, following the location hash.
import { hashPath, parseRoute } from './routes.js';
import type { Route } from './routes.js';

let hash = $state(typeof location === 'undefined' ? '' : location.hash);

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    hash = location.hash;
  });
}

/** Reactive view of where the console is. */
export const router = {
  get route(): Route {
    return parseRoute(hash);
  },
  get path(): string {
    return hashPath(hash);
  },
};

/** Goes to a console path such as `/agents/agt_1`; `replace` keeps it out of the history. */
export function navigate(path: string, { replace = false } = {}): void {
  const next = `#${path}`;
  if (replace) history.replaceState(history.state, '', next);
  else history.pushState(history.state, '', next);
  hash = next;
}

/** An `href` for a console path. */
export function href(path: string): string {
  return `#${path}`;
}
