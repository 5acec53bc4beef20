import type { Server, ServerOptions as HttpOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import type { AccountStore } from './accounts/store.ts';
import { AddressCap } from './address-cap.ts';
import { RemoteChat } from './cluster/chat-port.ts';
import { inProcess, type Link, type ToPrimary, type ToWorker } from './cluster/ipc.ts';
import { openPrimary } from './cluster/primary.ts';
import { Caller } from './cluster/rpc.ts';
import { createWorkerApp } from './cluster/worker-app.ts';
import { ConfigError, LAB_SCRIPT, RATE_LIMIT, joinUrls, tcpPortFor, type Config } from './config.ts';
import type { LogInLimits } from './core/log-in-limit.ts';
import { startHeartbeat } from './realtime/heartbeat.ts';
import { Hub } from './realtime/hub.ts';
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

/** A lab server that is listening: its primary and one worker in this process (see {@link startServer}). */
export interface RunningServer {
  /** The port it got (the one asked for, or a free one for port 0). */
  port: number;
  /** The plain TCP port terminals connect to (`nc <host> <tcpPort>`). */
  tcpPort: number;
  /** The URLs to open it at: this computer's first. */
  urls: string[];
  /** The UDP port of its STUN server; null with `STUN_PORT=off`. */
  stunPort: number | null;
  /** The worker's connections; emits `drop`. */
  hub: Hub;
  accounts: AccountStore;
  /** Resolves to this run's log file once it is created. */
  logPath: Promise<string>;
  /** Closes every connection, and resolves once the log and the accounts are written. */
  close(): Promise<void>;
}

/**
 * The whole server in this process: the primary's part (the chat, the log, the accounts; see
 * `cluster/primary.ts`) and one worker's (the sockets: {@link listenSockets}), linked by function
 * calls where `npm run lab:07` links processes (`cluster/primary.ts`, `startCluster`). The tests of the
 * chat's behaviour and `npm run lab:07:dev` use it: one process, same code, no IPC.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const primary = await openPrimary(config, options);
  const channel = inProcess();
  const worker = { id: 1, send: (message: ToWorker) => channel.primary.send(message) };
  primary.add(worker);
  channel.primary.onMessage = (message) => primary.receive(worker, message);
  const sockets = await listenSockets(config, options, channel.worker, worker.id).catch(async (error: Error) => {
    await primary.close();
    throw error;
  });
  channel.worker.onMessage = (message) => sockets.receive(message);
  return {
    port: sockets.port,
    tcpPort: sockets.tcpPort,
    urls: joinUrls(config.host, sockets.port),
    stunPort: primary.stunPort,
    hub: sockets.hub,
    accounts: primary.accounts,
    logPath: primary.logPath,
    close: async () => {
      await sockets.close();
      await primary.close();
    },
  };
}

/** A worker's sockets, listening. */
export interface WorkerSockets {
  port: number;
  tcpPort: number;
  hub: Hub;
  /** Handles a message from the primary. */
  receive(message: ToWorker): void;
  /** Closes every connection (1001) and stops listening. */
  close(): Promise<void>;
}

/**
 * A worker's part of the server: the HTTP, WebSocket and TCP listeners and the {@link Hub} of
 * their connections. Their chat steps go to the primary over `primary`; so do the accounts API's
 * requests, the WebSocket's session and the terminals' passwords (`cluster/rpc.ts`).
 */
export async function listenSockets(
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
    maxConnectionsPerAddress = MAX_CONNECTIONS_PER_ADDRESS,
  }: ServerOptions,
  primary: Link<ToPrimary>,
  workerId: number,
): Promise<WorkerSockets> {
  const chat = new RemoteChat(primary);
  const caller = new Caller(primary);
  const perSecond = config.rateLimit ?? RATE_LIMIT;
  const hub = new Hub({ chat, now, maxBufferedBytes, rate: { perSecond, burst: BURST_FACTOR * perSecond }, connects });
  // No compression: the hub writes ready-made frames (realtime/frame.ts), which compression would have to rebuild.
  // No clientTracking: the hub keeps every connection already; ws's own set would cost each one a second entry and listener.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const stopHeartbeat = startHeartbeat(wss, () => webSockets(hub.clients()), heartbeatMs);
  const worker = `${workerId} (pid ${process.pid})`;
  wss.on('headers', (headers) => headers.push(`X-Worker: ${worker}`)); // which worker holds the WebSocket: in the 101's headers
  const app = createWorkerApp({ worker, caller });
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: silenceTimeouts(headersTimeoutMs) }) as Server;
  server.timeout = headersTimeoutMs; // a connection that sends nothing at all (a WebSocket turns this off: ws calls setTimeout(0))
  const cap = new AddressCap(maxConnectionsPerAddress);
  server.on('connection', (socket: Socket) => cap.admit(socket) || socket.destroy());
  server.on('upgrade', upgradeHandler(wss, hub, async (session) => (await caller.call('loginFor', { session })).login ?? undefined));
  await listen(server, config);
  const { port } = server.address() as AddressInfo;
  const tcpPort = config.tcpPort ?? tcpPortFor(config.port);
  const logIn = (login: string, password: string, address: string) => caller.call('logIn', { login, password, address });
  const tcp = await listenTcp(tcpPort, config.host, { hub, logIn, idleMs: tcpIdleMs, loginMs: tcpLoginMs, keepAliveMs: tcpKeepAliveMs, maxConnectionsPerAddress }).catch(async (error: NodeJS.ErrnoException) => {
    await close(server);
    throw explain(error, tcpPort, config.host, 'TCP_PORT');
  });
  return {
    port,
    tcpPort: tcp.port,
    hub,
    receive(message) {
      switch (message.type) {
        case 'effects':
          return hub.apply(chat.effects(message));
        case 'logout':
          return hub.disconnect(message.session, 'logged out');
        case 'reply':
          return caller.settle(message);
      }
    },
    close: async () => {
      stopHeartbeat();
      await hub.close();
      wss.close();
      await Promise.all([close(server), tcp.close()]);
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
