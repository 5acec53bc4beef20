import { createServer, type Server, type Socket } from 'node:net';
import { AddressCap } from '../address-cap.ts';
import { closedLine } from './render.ts';
import { TcpSession, type SessionOptions } from './session.ts';

export interface TcpOptions extends SessionOptions {
  /**
   * After this long with nothing on the wire, the operating system starts sending keep-alive
   * probes, which the other end's operating system answers: one that never answers (a laptop that
   * sleeps, a cable pulled) is reset, and its session ends.
   */
  keepAliveMs: number;
  /** Connections one address may hold open on this port at once; more are told so and closed. */
  maxConnectionsPerAddress: number;
}

/** The plain TCP side of the server, listening. */
export interface TcpListener {
  /** The port it got (the one asked for, or a free one for port 0). */
  port: number;
  /** Stops listening, and ends the connections nobody has logged in on (the hub closes the others). */
  close(): Promise<void>;
}

/** How long a closing connection may take to read its last line before it is cut off. */
const CLOSE_TIMEOUT_MS = 1000;

/** The standard close status for "try again later": this address has too many connections open. */
const TRY_AGAIN_LATER = 1013;

/**
 * Listens for plain TCP connections: `nc <host> <port>` or the terminal client. Each connection
 * becomes a {@link TcpSession}. Rejects as `server.listen` fails (e.g. `EADDRINUSE`).
 */
export function listenTcp(port: number, host: string, options: TcpOptions): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const cap = new AddressCap(options.maxConnectionsPerAddress);
  // allowHalfOpen: a client that closes its sending side (nc -N does, at the end of its input) still reads the answers.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (!cap.admit(socket)) return refuse(socket);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true); // a line goes out at once, not held back to be sent with the next one (Nagle's algorithm)
    socket.setKeepAlive(true, options.keepAliveMs);
    new TcpSession(socket, options);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', ignore);
      resolve({ port: (server.address() as { port: number }).port, close: () => close(server, sockets) });
    });
  });
}

/** Says why, then closes without waiting for the client to close its side (which a half-open connection may never do). */
function refuse(socket: Socket): void {
  socket.on('error', ignore);
  socket.write(closedLine(TRY_AGAIN_LATER, 'too many connections from your address'));
  socket.destroySoon();
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) {
      socket.end(`\n${closedLine(1001, 'server stopping')}`);
      setTimeout(() => socket.destroy(), CLOSE_TIMEOUT_MS).unref();
    }
  });
}

function ignore(): void {}
