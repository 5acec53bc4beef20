import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg } from '@lit/localize';
import { BYE, REPLACED, RESYNC, type ClientFrame, type ServerFrame } from '../../../shared/protocol.ts';
import { api } from '../lib/api.ts';
import { reconnectDelay } from '../lib/backoff.ts';
import type { NoticeController } from './notice-controller.ts';

/** What a controller that talks through the connection hears from it. */
export interface ConnectionListener {
  /** The socket is open: the first time, and after every reconnect. */
  opened?(): void;
  /** A frame from the server. */
  received?(frame: ServerFrame): void;
}

/**
 * The WebSocket to the server: opened when the host is connected, closed with {@link BYE} when it
 * is removed. When the socket drops, it checks the session and reconnects with backoff, adding
 * where the tab left off (`resume()`, e.g. `?room=games&after=41`) so the server replays what it
 * missed. It does not reconnect after {@link REPLACED} (another tab took over) or {@link BYE}
 * (`#exit`). Fires `logged-out` on the host when the session is gone.
 */
export class ConnectionController implements ReactiveController {
  status: 'connecting' | 'online' | 'offline' | 'elsewhere' | 'left' = 'connecting';
  /** When offline: how long until the next attempt. */
  retryInMs = 0;

  #socket: WebSocket | undefined;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners: ConnectionListener[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly notice: NoticeController,
    private readonly resume: () => string,
  ) {
    host.addController(this);
  }

  /** Tells `listener` when the socket opens and what the server sends. */
  listen(listener: ConnectionListener): void {
    this.#listeners.push(listener);
  }

  hostConnected(): void {
    this.#open();
  }

  hostDisconnected(): void {
    this.close();
  }

  /** Closes the socket with {@link BYE} and stops reconnecting, e.g. before logging out. */
  close(): void {
    clearTimeout(this.#retry);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(BYE);
  }

  /** Sends `frame` if the socket is open; otherwise says so in the notice line and returns false. */
  send(frame: ClientFrame): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) {
      this.notice.show(msg('Not connected to the server right now: that was not sent. Private messages still work once a direct link is open.', { id: 'connection.not-sent' }), true);
      return false;
    }
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** Connects again after `#exit` or after another tab took over. */
  rejoin(): void {
    if (!this.#socket) this.#open();
  }

  /** Closes the socket with {@link RESYNC}: it reconnects, and the server replays what this tab missed. */
  resync(): void {
    this.#socket?.close(RESYNC, 'gap: catching up');
  }

  #open(): void {
    this.status = this.#attempt === 0 ? 'connecting' : 'offline';
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${this.resume()}`);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#attempt = 0;
      this.status = 'online';
      for (const listener of this.#listeners) listener.opened?.();
      this.host.requestUpdate();
    });
    socket.addEventListener('message', ({ data }) => {
      const frame = JSON.parse(data as string) as ServerFrame;
      for (const listener of this.#listeners) listener.received?.(frame);
      this.host.requestUpdate();
    });
    socket.addEventListener('close', ({ code }) => this.#closed(socket, code));
  }

  async #closed(socket: WebSocket, code: number): Promise<void> {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    if (code === REPLACED) {
      this.status = 'elsewhere';
      return this.host.requestUpdate();
    }
    if (code === BYE) {
      this.status = 'left';
      return this.host.requestUpdate();
    }
    const account = await api.me().catch(() => undefined);
    if (account === null) {
      const reason = msg('Your session ended (did the server restart?): log in again.', { id: 'connection.session-ended' });
      return void this.host.dispatchEvent(new CustomEvent('logged-out', { detail: { reason }, bubbles: true, composed: true }));
    }
    this.status = 'offline';
    this.retryInMs = reconnectDelay(this.#attempt++);
    this.#retry = setTimeout(() => this.#open(), this.retryInMs);
    this.host.requestUpdate();
  }
}
