import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { createServer } from 'vite';
import { ConfigError, REPO_ROOT, readConfig } from './config.ts';
import { startServer } from './server.ts';

/**
 * Dev mode, one command: the lab server, and Vite's dev server in front of it with hot reload.
 * Open Vite's URL; it serves client/ straight from the sources and passes `/api` and `/ws` on.
 */
dotenv.config({ path: join(REPO_ROOT, '.env'), quiet: true });
try {
  const config = readConfig(process.env, process.argv.slice(2));
  const server = await startServer(config);
  process.env.LAB_URL = server.urls[0]!.replace(/\/$/, '').replace('localhost', '127.0.0.1');
  const vite = await createServer({
    configFile: fileURLToPath(new URL('../client/vite.config.ts', import.meta.url)),
    server: { host: config.host === '0.0.0.0' ? true : '127.0.0.1' },
  });
  await vite.listen();
  console.log(`Lab server at ${server.urls[0]} (API and WebSocket). Open Vite's page below: edits to client/ show at once.`);
  vite.printUrls();

  const stop = async () => {
    await vite.close();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exit(1);
}
