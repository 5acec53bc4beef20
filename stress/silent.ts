/**
 * A client that never reads, for the stall scenarios of `flood.stress.ts` and its crowd process
 * (`crowd.ts`). A module of its own so that both can import it: `crowd.ts` listens to its parent
 * as soon as it is loaded.
 *
 * Not a test file.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Who to connect as: lab 03 takes a query (`role=user`), labs 04 and 05 a session cookie. */
export interface Target {
  query?: string;
  cookie?: string;
  /** The address to connect from (lab 03 counts frames per role and address: a flooder on 127.0.0.1 would share the probes' budget). */
  localAddress?: string;
}

/**
 * Opens `/ws` by hand (the handshake a browser sends) and then never reads from it, like a frozen
 * tab on a bad network: what the server sends piles up in its buffers. Also never answers a ping.
 */
export function connectSilently(url: string, { query, cookie }: Target): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname, () => {
    socket.write(
      `GET /ws${query ? `?${query}` : ''} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on('error', () => undefined);
  return socket;
}
