import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import assert from 'node:assert/strict';
import type { Entry, ServerFrame } from '../shared/protocol.ts';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/**
 * A real `ws` client for tests that keeps every frame it receives, so a test can wait for the
 * next frame of a type, or for a number of entries, without sleeping.
 */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  /** The worker that holds the connection, as its handshake's `X-Worker` header says: `2 (pid 4242)`. */
  worker = '';
  #cursor = 0;
  #waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.once('upgrade', (response) => (this.worker = String(response.headers['x-worker'])));
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerFrame);
      for (const waiter of this.#waiting.splice(0)) waiter.resolve();
    });
    socket.on('close', () => {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('socket closed while waiting for a frame'));
    });
  }

  /** Connects to `/ws` with a session cookie and the given query (e.g. `room=games&after=3`). */
  static async connect(url: string, cookie: string, query = '', options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws?${query}`, { ...options, headers: { cookie, ...options.headers } });
    const client = new TestClient(socket);
    await once(socket, 'open');
    return client;
  }

  /** The next frame of this type (and passing `test`, if given) not yet taken by `next`. */
  async next<T extends ServerFrame['type']>(type: T, test: (frame: FrameOf<T>) => boolean = () => true): Promise<FrameOf<T>> {
    for (;;) {
      const index = this.frames.findIndex((frame, i) => i >= this.#cursor && frame.type === type && test(frame as FrameOf<T>));
      if (index >= 0) {
        this.#cursor = index + 1;
        return this.frames[index] as FrameOf<T>;
      }
      await this.#nextArrival();
    }
  }

  /** Resolves once `count` live messages (not notices) have arrived in all; returns them. */
  async messages(count: number): Promise<Entry[]> {
    for (;;) {
      const entries = this.frames.flatMap((frame) => (frame.type === 'entry' && frame.entry.kind === 'message' ? [frame.entry] : []));
      if (entries.length >= count) return entries;
      await this.#nextArrival();
    }
  }

  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Closes and waits for the close handshake; resolves with the close code. */
  async close(): Promise<number> {
    if (this.socket.readyState === WebSocket.CLOSED) return 1005;
    const closed = once(this.socket, 'close');
    this.socket.close();
    const [code] = await closed;
    return code as number;
  }

  #nextArrival(): Promise<void> {
    if (this.socket.readyState >= WebSocket.CLOSING) return Promise.reject(new Error('socket closed while waiting for a frame'));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
}

/**
 * Opens a WebSocket by hand and then never reads from it, like a frozen tab on a bad network:
 * what the server sends piles up in its buffers. Also never answers a ping.
 */
export function connectSilently(url: string, cookie: string): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname, () => {
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: ${cookie}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on('error', () => undefined);
  return socket;
}

/** Registers `login` through the real API, logs in, and returns the session cookie (`name=value`). */
export async function signUp(url: string, login: string, password = 'correct horse battery'): Promise<string> {
  const post = (path: string, body: object) =>
    fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await post('/api/register', { firstName: 'Test', lastName: login, login, password, age: 30, gender: 'prefer not to say' });
  assert.equal(registered.status, 201, `register ${login}`);
  const loggedIn = await post('/api/login', { login, password });
  assert.equal(loggedIn.status, 200, `log in ${login}`);
  return loggedIn.headers.get('set-cookie')!.split(';')[0]!;
}
