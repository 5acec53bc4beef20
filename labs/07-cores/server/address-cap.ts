import type { Socket } from 'node:net';

/**
 * Counts each remote address's open connections, up to `max` at once. Every connection costs the
 * server a file descriptor, and a process has only so many (`ulimit -n`, often 1024): without a
 * cap, one machine that opens connections and keeps them could take them all.
 */
export class AddressCap {
  readonly #open = new Map<string, number>();
  /** One `close` listener for every socket (Node calls it with `this` set to the socket), not a closure each. */
  readonly #onClose: (this: Socket) => void;

  constructor(readonly max: number) {
    const open = this.#open;
    this.#onClose = function () {
      const address = this.remoteAddress ?? 'unknown'; // still known once closed: Node kept it when admit() asked
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    };
  }

  /** Counts `socket` until it closes, and returns true; or false, counting nothing, if its address is at the cap. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const open = this.#open.get(address) ?? 0;
    if (open >= this.max) return false;
    this.#open.set(address, open + 1);
    socket.once('close', this.#onClose);
    return true;
  }
}
