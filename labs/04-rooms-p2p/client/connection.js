/**
 * A WebSocket that comes back: after any drop it reconnects with exponential backoff and
 * jitter, so a restarted server is not hit by every window at the same instant.
 */

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * How long to wait before reconnect attempt `attempt` (0, 1, 2…): doubling from 0.5 s up to
 * 10 s, and a random half of it on top of the other half ("equal jitter").
 * @param {number} attempt
 * @param {() => number} random
 */
export function reconnectDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * @typedef {object} ConnectionEvents
 * @property {(frame: any) => void} onFrame a parsed frame from the server
 * @property {() => void} onOpen
 * @property {(delayMs: number, event: CloseEvent) => void} onDrop the socket closed; retrying in `delayMs`
 */

export class Connection {
  /** @type {WebSocket | undefined} */
  #socket;
  #attempt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;

  /**
   * @param {() => string} url the URL to (re)connect to, asked again before each attempt
   * @param {ConnectionEvents} events
   */
  constructor(url, events) {
    this.url = url;
    this.events = events;
  }

  /** Opens the socket; after a drop, it opens again by itself. */
  open() {
    const socket = new WebSocket(this.url());
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#attempt = 0;
      this.events.onOpen();
    });
    socket.addEventListener('message', (event) => this.events.onFrame(JSON.parse(event.data)));
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      const delay = reconnectDelay(this.#attempt++);
      this.#timer = setTimeout(() => this.open(), delay);
      this.events.onDrop(delay, event);
    });
  }

  /** Drops the socket and reconnects at once: the server then replays what this window missed. */
  resync() {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close();
    clearTimeout(this.#timer);
    this.open();
  }

  /**
   * Sends a frame; false when the socket is not open (nothing was sent).
   * @param {object} frame
   */
  send(frame) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }
}
