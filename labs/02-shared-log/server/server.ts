import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.ts';
import { ConfigError, LAB_SCRIPT, joinUrls, type Config } from './config.ts';
import { LogFile } from './log-file.ts';

/** A lab server that is listening. */
export interface RunningServer {
  /** The port it got (the one asked for, or a free one for port 0). */
  port: number;
  /** The URLs to open it at: this computer's first. */
  urls: string[];
  /** Stops accepting, ends open connections, and resolves once everything is written. */
  close(): Promise<void>;
}

/** Creates the log folder, builds the app around `chat.log` and listens. Tests call it with port 0. */
export async function startServer(config: Config, now?: () => Date): Promise<RunningServer> {
  await mkdir(config.logDir, { recursive: true });
  const log = new LogFile(join(config.logDir, 'chat.log'));
  const app = createApp({ log, now });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await listen(server, config);
  const { port } = server.address() as AddressInfo;
  return {
    port,
    urls: joinUrls(config.host, port),
    close: async () => {
      await close(server);
      await log.close();
    },
  };
}

function listen(server: Server, { port, host }: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(explain(error, port, host)));
    server.listen(port, host, () => resolve());
  });
}

function explain(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(`Port ${port} is already in use: stop the other server or pick another port, e.g. PORT=${port + 1} ${LAB_SCRIPT}`);
    case 'EACCES':
      return new ConfigError(`Port ${port} needs special rights: set PORT to 1024 or above, e.g. PORT=3000 ${LAB_SCRIPT}`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError(`HOST=${host} is not an address of this computer: leave HOST unset, or use --host to listen on every interface.`);
    default:
      return error;
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
