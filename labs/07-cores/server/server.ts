import { mkdir } from 'node:fs/promises';
import type { Server, ServerOptions as HttpOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { Sessions } from './accounts/sessions.ts';
import { logIn } from './accounts/log-in.ts';
import { AccountStore } from './accounts/store.ts';
import { AddressCap } from './address-cap.ts';
import { createApp } from './app.ts';
import { ConfigError, LAB_SCRIPT, RATE_LIMIT, joinUrls, tcpPortFor, type Config } from './config.ts';
import { Chat } from './core/chat.ts';
import { eventLine } from './core/log-format.ts';
import { LOG_IN_LIMITS, LogInLimit, type LogInLimits } from './core/log-in-limit.ts';
import { RegistrationLimit } from './core/registration-limit.ts';
import { Throttle } from './core/throttle.ts';
import { LogFile } from './log-file.ts';
import { startHeartbeat } from './realtime/heartbeat.ts';
import { Hub, type Client } from './realtime/hub.ts';
import { upgradeHandler } from './realtime/upgrade.ts';
import { startStun } from './stun.ts';
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

/** A person may send this many times their rate limit at once: a paste, or a reconnect's catch-up. */
export const BURST_FACTOR = 3;

/** Connections one person may open, browsers and terminals together: 10 at once, then one a second. A reload is one. */
export const CONNECTS = { perSecond: 1, burst: 10 };

/**
 * A connection must send a request's headers within this long, or it is closed: a connection
 * that says nothing holds one of the server's file descriptors for nothing.
 */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Connections one address may hold open at once; more are closed as soon as they open. A browser
 * opens up to 6 for a page and its files, and one per chat window. On a classroom network every
 * laptop has its own address; if the class reaches the server through one router's address, raise it.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 100;

/** What tests and the benchmark may replace. */
export interface ServerOptions {
  now?: () => Date;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  /** A terminal that sends nothing for this long is asked "Still there?", and closed after as long again. */
  tcpIdleMs?: number;
  /** A terminal connection on which nobody logs in for this long is closed. */
  tcpLoginMs?: number;
  /** When the operating system starts probing a silent TCP connection (`socket.setKeepAlive`). */
  tcpKeepAliveMs?: number;
  connects?: { perSecond: number; burst: number };
  headersTimeoutMs?: number;
  /** Connections one address may hold open at once, over HTTP and over TCP (each port its own count): the benchmark raises it. */
  maxConnectionsPerAddress?: number;
  /** Log-ins allowed per login and per address ({@link LOG_IN_LIMITS} unless given). */
  logInLimits?: LogInLimits;
}

/** Five quiet minutes before a terminal is asked whether it is still there. */
export const TCP_IDLE_MS = 5 * 60_000;

/** A quiet minute at the login prompt, and the connection is closed: typing a login and a password takes less. */
export const TCP_LOGIN_MS = 60_000;

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
  /** The UDP port of its STUN server; null with `STUN_PORT=off`. */
  stunPort: number | null;
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
  {
    now = () => new Date(),
    heartbeatMs = 30_000,
    maxBufferedBytes = MAX_BUFFERED_BYTES,
    tcpIdleMs = TCP_IDLE_MS,
    tcpLoginMs = TCP_LOGIN_MS,
    tcpKeepAliveMs = TCP_KEEP_ALIVE_MS,
    connects = CONNECTS,
    headersTimeoutMs = HEADERS_TIMEOUT_MS,
    maxConnectionsPerAddress = MAX_CONNECTIONS_PER_ADDRESS, logInLimits = LOG_IN_LIMITS,
  }: ServerOptions = {},
): Promise<RunningServer> {
  await mkdir(config.logDir, { recursive: true });
  const accounts = await AccountStore.open(config.dataDir);
  const log = new LogFile(config.logDir, now());
  const chat = new Chat<Client>({ gate: config.gate, directory: () => accounts.list() });
  const perSecond = config.rateLimit ?? RATE_LIMIT;
  const hub = new Hub({ chat, log, now, maxBufferedBytes, rate: { perSecond, burst: BURST_FACTOR * perSecond }, connects });
  const writeLine = (text: string) => log.append(eventLine(now(), text)).catch((error: Error) => hub.emit('log-error', error));
  void writeLine(config.gate > 0 ? `server started; the gate opens at ${config.gate} users` : 'server started');
  const sessions = new Sessions({ onLogout: (token) => hub.disconnect(token, 'logged out') });
  // No compression: the hub writes ready-made frames (realtime/frame.ts), which compression would have to rebuild.
  // No clientTracking: the hub keeps every connection already; ws's own set would cost each one a second entry and listener.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const stopHeartbeat = startHeartbeat(wss, () => webSockets(hub.clients()), heartbeatMs);
  const throttle = new Throttle();
  const logIns = new LogInLimit(logInLimits);
  const { stunPort = config.port } = config;
  const stun = stunPort === null ? undefined : await startStun(config.host, stunPort).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? new ConfigError(`UDP port ${stunPort} (STUN) is already in use: set STUN_PORT to another port, or STUN_PORT=off.`) : error;
  });
  const app = createApp({ accounts, sessions, throttle, logIns, registrations: new RegistrationLimit(), stunPort: stun?.port ?? null, now: () => now().getTime() });
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: silenceTimeouts(headersTimeoutMs) }) as Server;
  server.timeout = headersTimeoutMs; // a connection that sends nothing at all (a WebSocket turns this off: ws calls setTimeout(0))
  const cap = new AddressCap(maxConnectionsPerAddress);
  server.on('connection', (socket: Socket) => cap.admit(socket) || socket.destroy());
  server.on('upgrade', upgradeHandler(wss, hub, (token) => sessions.loginFor(token)));
  await listen(server, config).catch(async (error: Error) => {
    await stun?.close();
    await accounts.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const tcpPort = config.tcpPort ?? tcpPortFor(config.port);
  const checkLogIn = (login: string, password: string, address: string) => logIn({ accounts, throttle, logIns, now: () => now().getTime() }, login, password, address);
  const tcp = await listenTcp(tcpPort, config.host, { hub, logIn: checkLogIn, idleMs: tcpIdleMs, loginMs: tcpLoginMs, keepAliveMs: tcpKeepAliveMs, maxConnectionsPerAddress }).catch(async (error: NodeJS.ErrnoException) => {
    await close(server);
    await stun?.close();
    await accounts.close();
    throw explain(error, tcpPort, config.host, 'TCP_PORT');
  });
  return {
    port,
    tcpPort: tcp.port,
    urls: joinUrls(config.host, port),
    stunPort: stun?.port ?? null,
    hub,
    accounts,
    logPath: log.path,
    close: async () => {
      stopHeartbeat();
      void writeLine('server stopped');
      await hub.close();
      wss.close();
      await Promise.all([close(server), tcp.close()]);
      await stun?.close();
      await accounts.close();
    },
  };
}

/**
 * Headers must arrive within `ms`, checked every `ms / 2`, so a client that sends them a byte at a
 * time cannot hold the connection either. It does not reliably catch a connection that never
 * sends a byte: the socket timeout set above closes those.
 */
function silenceTimeouts(ms: number): HttpOptions {
  return { headersTimeout: ms, connectionsCheckingInterval: Math.max(1, ms / 2) };
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
