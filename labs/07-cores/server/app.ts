import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { Sessions } from './accounts/sessions.ts';
import type { AccountStore } from './accounts/store.ts';
import { DIST_DIR } from './client-build.ts';
import type { LogInLimit } from './core/log-in-limit.ts';
import type { RegistrationLimit } from './core/registration-limit.ts';
import type { Throttle } from './core/throttle.ts';
import { apiRoutes } from './routes/api.ts';
import { rtcRoutes } from './routes/rtc.ts';
import { notFound } from './routes/not-found.ts';

export interface AppOptions {
  accounts: AccountStore;
  sessions: Sessions;
  throttle: Throttle;
  /** The UDP port of the lab's STUN server, for the browsers' WebRTC settings; null for none. */
  stunPort?: number | null;
  registrations: RegistrationLimit;
  /** Log-ins per login and per address, shared with the terminals' log-ins; a fresh one if not given. */
  logIns?: LogInLimit;
  /** The clock, in milliseconds; tests pass a fixed one. */
  now?: () => number;
}

/**
 * Builds the lab's Hono app: the accounts API under `/api`, and the web client that Vite built
 * into `client/dist`. The chat itself goes over the WebSocket at `/ws` (see `realtime/`).
 */
export function createApp({ accounts, sessions, throttle, registrations, logIns, stunPort = null, now = Date.now }: AppOptions): Hono {
  const app = new Hono();
  app.route('/api', apiRoutes({ accounts, sessions, throttle, registrations, logIns, now }));
  app.route('/api/rtc', rtcRoutes(stunPort));
  app.use('/*', serveStatic({ root: DIST_DIR }));
  app.notFound(notFound);
  return app;
}
