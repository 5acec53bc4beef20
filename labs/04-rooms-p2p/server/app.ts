import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { Sessions } from './accounts/sessions.ts';
import type { AccountStore } from './accounts/store.ts';
import type { Throttle } from './core/throttle.ts';
import { apiRoutes } from './routes/api.ts';
import { home, notFound } from './routes/home.tsx';

/** The browser-side files. */
const CLIENT_DIR = fileURLToPath(new URL('../client', import.meta.url));

export interface AppOptions {
  accounts: AccountStore;
  sessions: Sessions;
  throttle: Throttle;
  /** The clock, in milliseconds; tests pass a fixed one. */
  now?: () => number;
}

/**
 * Builds the lab's Hono app: the page, the accounts API under `/api`, the static files.
 * The chat itself goes over the WebSocket at `/ws` (see `realtime/`).
 */
export function createApp({ accounts, sessions, throttle, now = Date.now }: AppOptions): Hono {
  const app = new Hono();
  app.route('/', home);
  app.route('/api', apiRoutes({ accounts, sessions, throttle, now }));
  app.use('/static/*', serveStatic({ root: CLIENT_DIR, rewriteRequestPath: (path) => path.slice('/static'.length) }));
  app.notFound(notFound);
  return app;
}
