/** A private message as it travels over the data channel. */
export interface PrivateMessage {
  /** 1, 2, 3… per sender and peer. */
  seq: number;
  /** The sender's estimate of server time (its clock plus the measured offset). */
  time: number;
  text: string;
}

/**
 * Numbers what one peer sends, and puts what it receives back in order: a message that comes
 * early waits for the ones before it, and one that comes twice is shown once.
 * Plain logic, tested with node:test.
 */
export class PrivateSequencer {
  #sent = 0;
  #delivered = 0;
  readonly #early = new Map<number, PrivateMessage>();

  /** The next message to send. */
  next(text: string, time: number): PrivateMessage {
    return { seq: ++this.#sent, time, text };
  }

  /** Takes a received message; returns the messages now ready to show, in order. */
  receive(message: PrivateMessage): PrivateMessage[] {
    if (message.seq <= this.#delivered || this.#early.has(message.seq)) return [];
    this.#early.set(message.seq, message);
    const ready: PrivateMessage[] = [];
    for (let next = this.#early.get(this.#delivered + 1); next; next = this.#early.get(this.#delivered + 1)) {
      this.#early.delete(next.seq);
      this.#delivered = next.seq;
      ready.push(next);
    }
    return ready;
  }
}

/** Reads a data channel message; undefined when it is not a private message. */
export function parsePrivateMessage(data: unknown): PrivateMessage | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value = JSON.parse(data) as Partial<PrivateMessage>;
    const ok = Number.isSafeInteger(value.seq) && value.seq! > 0 && typeof value.time === 'number' && typeof value.text === 'string';
    return ok ? { seq: value.seq!, time: value.time!, text: value.text! } : undefined;
  } catch {
    return undefined;
  }
}
