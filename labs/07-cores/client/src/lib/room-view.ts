import type { Entry, ServerFrame } from '../../../shared/protocol.ts';

export type Verdict = 'show' | 'duplicate' | 'gap';

/** A message this tab sent while the gate is closed: the server holds it, unnumbered, until the gate opens. */
export interface Held {
  from: string;
  text: string;
}

/** The most entries a tab keeps on screen; older ones are in the server's log. */
export const SHOWN_LIMIT = 1000;

/**
 * What the tab shows of its current room, in `seq` order. Plain logic, no DOM and no socket:
 * tested with node:test. Every change makes a new `entries` array, so a component that renders
 * it sees the change.
 */
export class RoomView {
  room = '';
  entries: Entry[] = [];
  /** The `seq` of the last entry shown. */
  last = 0;
  /** Entries the server no longer keeps, so they are not shown (they are in the log). */
  missed = 0;
  /** This tab's own messages the closed gate holds, shown apart until they come back numbered. */
  held: Held[] = [];

  /** A `joined` frame: the tab now shows this room, starting from what the frame replays. */
  joined({ room, entries, missed, last }: Extract<ServerFrame, { type: 'joined' }>): void {
    // While the gate is closed the frame is empty (`last` 0); once open, it replays the held messages with their `seq`.
    if (last > 0 || room !== this.room) this.held = [];
    const kept = room === this.room ? this.entries.filter((entry) => entry.seq <= last - entries.length) : [];
    this.room = room;
    this.entries = [...kept, ...entries].slice(-SHOWN_LIMIT);
    this.missed = missed;
    this.last = last;
  }

  /** A live entry: `show` when it comes next, `duplicate` when already shown, `gap` when one is missing. */
  accept(entry: Entry): Verdict {
    if (entry.room !== this.room || entry.seq <= this.last) return 'duplicate';
    if (entry.seq > this.last + 1) return 'gap';
    this.entries = [...this.entries.slice(-(SHOWN_LIMIT - 1)), entry];
    this.last = entry.seq;
    return 'show';
  }

  /** A message this tab just sent while the gate is closed. */
  hold(message: Held): void {
    this.held = [...this.held, message];
  }

  /** Where this tab left off, for the WebSocket URL when it reconnects. */
  resumeQuery(): string {
    return this.room ? `?room=${encodeURIComponent(this.room)}&after=${this.last}` : '';
  }
}
