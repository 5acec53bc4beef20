import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { ROLES } from './core/message.ts';
import { rememberLanguage } from './language.ts';
import { LogFile } from './log-file.ts';
import { clientRoutes } from './routes/client.tsx';
import { home, notFound } from './routes/home.tsx';

/** The browser-side files: the stylesheet and the landing page's script. */
const CLIENT_DIR = fileURLToPath(new URL('../client', import.meta.url));

export interface AppOptions {
  /** Where `user.log` and `agent.log` are written. Must exist. */
  logDir: string;
  /** The clock that stamps log lines; tests pass a fixed one. */
  now?: () => Date;
}

/** Builds the lab's Hono app: the landing page, one page per client, their static files. */
export function createApp({ logDir, now = () => new Date() }: AppOptions): Hono {
  const app = new Hono();
  app.use(rememberLanguage);
  app.route('/', home);
  for (const role of ROLES) {
    const log = new LogFile(join(logDir, `${role}.log`));
    app.route(`/${role}`, clientRoutes(role, { log, now }));
  }
  app.use('/static/*', serveStatic({ root: CLIENT_DIR, rewriteRequestPath: (path) => path.slice('/static'.length) }));
  app.notFound(notFound);
  return app;
}
