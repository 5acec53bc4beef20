import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { ROLES } from './core/message.ts';
import { rememberLanguage } from './language.ts';
import { clientRoutes } from './routes/client.tsx';
import { home, notFound } from './routes/home.tsx';

/** The browser-side files: the stylesheet, the landing page's script and the chat client. */
const CLIENT_DIR = fileURLToPath(new URL('../client', import.meta.url));
/** What the browser shares with the server: the pages' sentences, which the chat client draws too. */
const SHARED_DIR = fileURLToPath(new URL('../shared', import.meta.url));

/**
 * Builds the lab's Hono app: the landing page, one page per client, their static files.
 * The chat itself goes over the WebSocket at `/ws` (see `realtime/`), not through these routes.
 */
export function createApp(): Hono {
  const app = new Hono();
  app.use(rememberLanguage);
  app.route('/', home);
  for (const role of ROLES) app.route(`/${role}`, clientRoutes(role));
  app.use('/static/*', serveStatic({ root: CLIENT_DIR, rewriteRequestPath: (path) => path.slice('/static'.length) }));
  app.use('/shared/*', serveStatic({ root: SHARED_DIR, rewriteRequestPath: (path) => path.slice('/shared'.length) }));
  app.notFound(notFound);
  return app;
}
