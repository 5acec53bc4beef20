import { MAX_MESSAGE_LENGTH } from '../../../shared/protocol.ts';

/** A private message as it travels over the data channel. */
export interface PrivateMessage {
  /** 1, 2, 3… per sender and peer. */
  seq: number;
  /**
   * The sender's estimate of server time (its clock plus the measured offset), as the sender
   * claims it. What a receiver shows is the time it received the message instead (see `receive`).
   */
  time: number;
  text: string;
}

/**
 * How far ahead of the next message one may arrive and still wait for those before it. The data
 * channel is ordered and reliable, so an honest peer never gets ahead at all: this only bounds
 * what a dishonest one can make this tab keep (64 × 2000 characters at most, per peer).
 */
export const REORDER_WINDOW = 64;

/** The longest data channel message read: a text of MAX_MESSAGE_LENGTH, even with every character escaped in JSON. */
const MAX_FRAME_LENGTH = 6 * MAX_MESSAGE_LENGTH + 100;

/**
 * Numbers what one peer sends, and puts what it receives back in order: a message that comes
 * early waits for the ones before it (within {@link REORDER_WINDOW}), and one that comes twice is
 * shown once. Plain logic, tested with node:test.
 */
export class PrivateSequencer {
  #sent = 0;
  #delivered = 0;
  readonly #early = new Map<number, PrivateMessage>();

  /** The next message to send. */
  next(text: string, time: number): PrivateMessage {
    return { seq: ++this.#sent, time, text };
  }

  /**
   * Takes a message received at `now` (this tab's estimate of server time); returns the messages
   * now ready to show, in order, each with the time it was received: the sender's clock is
   * whatever the sender says, so it is not shown. A message too far ahead is dropped.
   */
  receive(message: PrivateMessage, now: number): PrivateMessage[] {
    const { seq } = message;
    if (seq <= this.#delivered || seq > this.#delivered + REORDER_WINDOW || this.#early.has(seq)) return [];
    this.#early.set(seq, { ...message, time: now });
    const ready: PrivateMessage[] = [];
    for (let next = this.#early.get(this.#delivered + 1); next; next = this.#early.get(this.#delivered + 1)) {
      this.#early.delete(next.seq);
      this.#delivered = next.seq;
      ready.push(next);
    }
    return ready;
  }
}

/** Reads a data channel message; undefined when it is not a private message of at most MAX_MESSAGE_LENGTH characters. */
export function parsePrivateMessage(data: unknown): PrivateMessage | undefined {
  if (typeof data !== 'string' || data.length > MAX_FRAME_LENGTH) return undefined;
  try {
    const value = JSON.parse(data) as Partial<PrivateMessage>;
    const ok =
      Number.isSafeInteger(value.seq) &&
      value.seq! > 0 &&
      typeof value.time === 'number' &&
      typeof value.text === 'string' &&
      value.text.trim() !== '' &&
      value.text.length <= MAX_MESSAGE_LENGTH;
    return ok ? { seq: value.seq!, time: value.time!, text: value.text! } : undefined;
  } catch {
    return undefined;
  }
}
