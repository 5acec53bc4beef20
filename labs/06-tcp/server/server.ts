import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { Sessions, SESSION_COOKIE, readCookie } from './accounts/sessions.ts';
import { logIn } from './accounts/log-in.ts';
import { AccountStore } from './accounts/store.ts';
import { createApp } from './app.ts';
import { ConfigError, LAB_SCRIPT, RATE_LIMIT, joinUrls, tcpPortFor, type Config } from './config.ts';
import { Chat } from './core/chat.ts';
import { eventLine } from './core/log-format.ts';
import { RegistrationLimit } from './core/registration-limit.ts';
import { Throttle } from './core/throttle.ts';
import { LogFile } from './log-file.ts';
import { startHeartbeat } from './realtime/heartbeat.ts';
import { Hub, type Client } from './realtime/hub.ts';
import { upgradeHandler } from './realtime/upgrade.ts';
import { webSockets } from './realtime/ws-connection.ts';
import { listenTcp } from './tcp/listener.ts';

/** A frame larger than this closes the connection with 1009 (a 2000-character message is ~12 KiB at most). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * A client that leaves more than this unread is dropped rather than slowing the others. It must
 * be larger than the largest frame a healthy client is sent in one go: a `joined` frame that
 * replays a full room history (500 entries of up to ~12 KiB each when every character needs escaping).
 */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** A connection may send this many times its rate limit at once: a paste, or a reconnect's catch-up. */
export const BURST_FACTOR = 3;

/** What tests and the benchmark may replace. */
export interface ServerOptions {
  now?: () => Date;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  /** A terminal that sends nothing for this long is asked "Still there?", and closed after as long again. */
  tcpIdleMs?: number;
  /** When the operating system starts probing a silent TCP connection (`socket.setKeepAlive`). */
  tcpKeepAliveMs?: number;
}

/** Five quiet minutes before a terminal is asked whether it is still there. */
export const TCP_IDLE_MS = 5 * 60_000;

/** One quiet minute before the operating system starts its keep-alive probes. */
export const TCP_KEEP_ALIVE_MS = 60_000;

/** A lab server that is listening. */
export interface RunningServer {
  /** The port it got (the one asked for, or a free one for port 0). */
  port: number;
  /** The plain TCP port terminals connect to (`nc <host> <tcpPort>`). */
  tcpPort: number;
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

/** Opens the accounts and this run's log, builds the app and the hub, and listens for browsers (HTTP) and terminals (TCP). */
export async function startServer(
  config: Config,
  { now = () => new Date(), heartbeatMs = 30_000, maxBufferedBytes = MAX_BUFFERED_BYTES, tcpIdleMs = TCP_IDLE_MS, tcpKeepAliveMs = TCP_KEEP_ALIVE_MS }: ServerOptions = {},
): Promise<RunningServer> {
  await mkdir(config.logDir, { recursive: true });
  const accounts = await AccountStore.open(config.dataDir);
  const log = new LogFile(config.logDir, now());
  const chat = new Chat<Client>({ gate: config.gate, directory: () => accounts.list() });
  const perSecond = config.rateLimit ?? RATE_LIMIT;
  const hub = new Hub({ chat, log, now, maxBufferedBytes, rate: { perSecond, burst: BURST_FACTOR * perSecond } });
  const writeLine = (text: string) => log.append(eventLine(now(), text)).catch((error: Error) => hub.emit('log-error', error));
  void writeLine(config.gate > 0 ? `server started; the gate opens at ${config.gate} users` : 'server started');
  const sessions = new Sessions({ onLogout: (login) => hub.disconnect(login, 'logged out') });
  // No compression: the hub writes ready-made frames (realtime/frame.ts), which compression would have to rebuild.
  // No clientTracking: the hub keeps every connection already; ws's own set would cost each one a second entry and listener.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const stopHeartbeat = startHeartbeat(wss, () => webSockets(hub.clients()), heartbeatMs);
  const throttle = new Throttle();
  const app = createApp({ accounts, sessions, throttle, registrations: new RegistrationLimit(), now: () => now().getTime() });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.on('upgrade', upgradeHandler(wss, hub, (cookie) => sessions.loginFor(readCookie(cookie, SESSION_COOKIE))));
  await listen(server, config);
  const { port } = server.address() as AddressInfo;
  const tcpPort = config.tcpPort ?? tcpPortFor(config.port);
  const checkLogIn = (login: string, password: string, address: string) => logIn({ accounts, throttle, now: () => now().getTime() }, login, password, address);
  const tcp = await listenTcp(tcpPort, config.host, { hub, logIn: checkLogIn, idleMs: tcpIdleMs, keepAliveMs: tcpKeepAliveMs }).catch(async (error: NodeJS.ErrnoException) => {
    await close(server);
    throw explain(error, tcpPort, config.host, 'TCP_PORT');
  });
  return {
    port,
    tcpPort: tcp.port,
    urls: joinUrls(config.host, port),
    hub,
    accounts,
    logPath: log.path,
    close: async () => {
      stopHeartbeat();
      void writeLine('server stopped');
      await hub.close();
      wss.close();
      await Promise.all([close(server), tcp.close()]);
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

function explain(error: NodeJS.ErrnoException, port: number, host: string, name = 'PORT'): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(`Port ${port} is already in use: stop the other server or pick another port, e.g. ${name}=${port + 2} ${LAB_SCRIPT}`);
    case 'EACCES':
      return new ConfigError(`Port ${port} needs special rights: set ${name} to 1024 or above, e.g. ${name}=3000 ${LAB_SCRIPT}`);
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
