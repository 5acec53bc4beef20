import type { Socket } from 'node:net';

/**
 * Counts each remote address's open connections, up to `max` at once. Every connection costs the
 * server a file descriptor, and a process has only so many (`ulimit -n`, often 1024): without a
 * cap, one machine that opens connections and keeps them could take them all.
 */
export class AddressCap {
  readonly #open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts `socket` until it closes, and returns true; or false, counting nothing, if its address is at the cap. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const open = this.#open.get(address) ?? 0;
    if (open >= this.max) return false;
    this.#open.set(address, open + 1);
    socket.once('close', () => {
      const left = this.#open.get(address)! - 1;
      if (left === 0) this.#open.delete(address);
      else this.#open.set(address, left);
    });
    return true;
  }
}
