import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { Sessions, SESSION_COOKIE, readCookie } from './accounts/sessions.ts';
import { AccountStore } from './accounts/store.ts';
import { createApp } from './app.ts';
import { ConfigError, LAB_SCRIPT, joinUrls, type Config } from './config.ts';
import { Chat } from './core/chat.ts';
import { eventLine } from './core/log-format.ts';
import { Throttle } from './core/throttle.ts';
import { LogFile } from './log-file.ts';
import { startHeartbeat } from './realtime/heartbeat.ts';
import { Hub } from './realtime/hub.ts';
import { upgradeHandler } from './realtime/upgrade.ts';

/** A frame larger than this closes the connection with 1009 (a 2000-character message is ~12 KiB at most). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * A client that leaves more than this unread is dropped rather than slowing the others. It must
 * be larger than the largest frame a healthy client is sent in one go: a `joined` frame that
 * replays a full room history (500 entries of up to ~12 KiB each when every character needs escaping).
 */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Frames one connection may send: 20 a second on average, 60 at once. A person types far slower. */
export const RATE = { perSecond: 20, burst: 60 };

/** What tests may replace: the clock, how often clients are pinged, the unread bound, the rate limit. */
export interface ServerOptions {
  now?: () => Date;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  rate?: { perSecond: number; burst: number };
}

/** A lab server that is listening. */
export interface RunningServer {
  /** The port it got (the one asked for, or a free one for port 0). */
  port: number;
  /** The URLs to open it at: this computer's first. */
  urls: string[];
  /** The connections; emits `drop` and `log-error`. */
  hub: Hub;
  accounts: AccountStore;
  /** Resolves to this run's log file once it is created. */
  logPath: Promise<string>;
  /** Closes every connection, and resolves once the log and the accounts are written. */
  close(): Promise<void>;
}

/** Opens the accounts and this run's log, builds the app and the WebSocket hub, and listens. Tests call it with port 0. */
export async function startServer(
  config: Config,
  { now = () => new Date(), heartbeatMs = 30_000, maxBufferedBytes = MAX_BUFFERED_BYTES, rate = RATE }: ServerOptions = {},
): Promise<RunningServer> {
  await mkdir(config.logDir, { recursive: true });
  const accounts = await AccountStore.open(config.dataDir);
  const log = new LogFile(config.logDir, now());
  const chat = new Chat({ gate: config.gate, directory: () => accounts.list() });
  const hub = new Hub({ chat, log, now, maxBufferedBytes, rate });
  const writeLine = (text: string) => log.append(eventLine(now(), text)).catch((error: Error) => hub.emit('log-error', error));
  void writeLine(config.gate > 0 ? `server started; the gate opens at ${config.gate} users` : 'server started');
  const sessions = new Sessions({ onLogout: (login) => hub.disconnect(login, 'logged out') });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  const stopHeartbeat = startHeartbeat(wss, heartbeatMs);
  const app = createApp({ accounts, sessions, throttle: new Throttle(), now: () => now().getTime() });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.on('upgrade', upgradeHandler(wss, hub, (cookie) => sessions.loginFor(readCookie(cookie, SESSION_COOKIE))));
  await listen(server, config);
  const { port } = server.address() as AddressInfo;
  return {
    port,
    urls: joinUrls(config.host, port),
    hub,
    accounts,
    logPath: log.path,
    close: async () => {
      stopHeartbeat();
      void writeLine('server stopped');
      await hub.close();
      wss.close();
      await close(server);
      await accounts.close();
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
