import { mkdir } from 'node:fs/promises';
import type { Server, ServerOptions as HttpOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { nanoid } from 'nanoid';
import { WebSocketServer } from 'ws';
import { AddressCap } from './address-cap.ts';
import { createApp } from './app.ts';
import { ConfigError, LAB_SCRIPT, joinUrls, type Config } from './config.ts';
import { startHeartbeat } from './realtime/heartbeat.ts';
import { Hub } from './realtime/hub.ts';
import { upgradeHandler } from './realtime/upgrade.ts';

/** A frame larger than this closes the connection with 1009 (a 2000-character message is ~12 KiB at most). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * A client that leaves more than this unread is dropped rather than slowing the others. It must
 * be larger than the largest frame a healthy client is sent in one go: a welcome that replays a
 * full history (1000 entries of up to ~12 KiB each when every character needs escaping).
 */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Frames one window may send, however often it reconnects: 20 a second on average, 60 at once. A person types far slower. */
export const RATE = { perSecond: 20, burst: 60 };

/**
 * Connections one window may open: 20 at once, then one a second. A reload is one; all the
 * windows of one role on one computer count as one here, since nothing else tells them apart.
 */
export const CONNECTS = { perSecond: 1, burst: 20 };

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

/** What tests may replace: the clock, session ids, how often clients are pinged, the unread bound, the limits. */
export interface ServerOptions {
  now?: () => Date;
  newId?: () => string;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  rate?: { perSecond: number; burst: number };
  connects?: { perSecond: number; burst: number };
  headersTimeoutMs?: number;
  maxConnectionsPerAddress?: number;
}

/** A lab server that is listening. */
export interface RunningServer {
  /** The port it got (the one asked for, or a free one for port 0). */
  port: number;
  /** The URLs to open it at: this computer's first. */
  urls: string[];
  /** The chat's connections and sessions; emits `session-start` and `session-end`. */
  hub: Hub;
  /** Ends the session, closes every connection, and resolves once the log is written. */
  close(): Promise<void>;
}

/** Creates the log folder, builds the app and the WebSocket hub, and listens. Tests call it with port 0. */
export async function startServer(
  config: Config,
  { now = () => new Date(), newId = nanoid, heartbeatMs = 30_000, maxBufferedBytes = MAX_BUFFERED_BYTES, rate = RATE, connects = CONNECTS,
    headersTimeoutMs = HEADERS_TIMEOUT_MS, maxConnectionsPerAddress = MAX_CONNECTIONS_PER_ADDRESS }: ServerOptions = {},
): Promise<RunningServer> {
  await mkdir(config.logDir, { recursive: true });
  const hub = new Hub({ logDir: config.logDir, now, newId, graceMs: config.graceSeconds * 1000, maxBufferedBytes, rate, connects });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  const stopHeartbeat = startHeartbeat(wss, heartbeatMs);
  const server = createAdaptorServer({ fetch: createApp().fetch, serverOptions: silenceTimeouts(headersTimeoutMs) }) as Server;
  server.timeout = headersTimeoutMs; // a connection that sends nothing at all (a WebSocket turns this off: ws calls setTimeout(0))
  const cap = new AddressCap(maxConnectionsPerAddress);
  server.on('connection', (socket: Socket) => cap.admit(socket) || socket.destroy());
  server.on('upgrade', upgradeHandler(wss, hub));
  await listen(server, config);
  const { port } = server.address() as AddressInfo;
  return {
    port,
    urls: joinUrls(config.host, port),
    hub,
    close: async () => {
      stopHeartbeat();
      await hub.close();
      wss.close();
      await close(server);
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
