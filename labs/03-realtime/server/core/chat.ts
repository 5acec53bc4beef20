import { eventLine, messageLine } from './log-format.ts';
import type { Role } from './message.ts';

/** One numbered line of a session: what the clients show and the log records, in `seq` order. */
export interface Entry {
  /** The session's id. */
  session: string;
  /** 1, 2, 3… within the session: the order the server received things in. */
  seq: number;
  /** Server time, in milliseconds since 1970. */
  time: number;
  kind: 'start' | 'message' | 'end';
  /** Who wrote it; null for the session's own events. */
  from: Role | null;
  text: string;
}

/** The entry's line in the session's log. */
export function logLine(entry: Entry): string {
  const time = new Date(entry.time);
  return entry.from ? messageLine(time, entry.from, entry.text) : eventLine(time, entry.text);
}

/** What a client that connects must be shown first: entries it has not seen, oldest first. */
export interface CatchUp {
  /** The active session, or null between sessions. */
  session: string | null;
  entries: Entry[];
  /** How many entries it missed that are too old to replay (they are only in the log). */
  missed: number;
}

/** How many entries of a session the server keeps in memory to replay. */
export const HISTORY_LIMIT = 1000;

interface Session {
  id: string;
  nextSeq: number;
  /** The last `HISTORY_LIMIT` entries. */
  history: Entry[];
}

/**
 * The chat's state, without sockets, files or clocks: sessions, their numbered entries, and what
 * a (re)connecting client has missed. The caller passes the time and new ids in.
 */
export class Chat {
  #active: Session | null = null;
  /** The session that ended last, kept so a client that was away can still see how it ended. */
  #previous: Session | null = null;

  constructor(private readonly historyLimit = HISTORY_LIMIT) {}

  /** The active session's id, or null. */
  get session(): string | null {
    return this.#active?.id ?? null;
  }

  /**
   * A message from `from`. When no session is active it starts one first.
   * Returns the new entries, in order: deliver and log exactly these.
   */
  say(from: Role, text: string, time: number, newId: () => string): Entry[] {
    const entries: Entry[] = [];
    if (!this.#active) {
      const id = newId();
      this.#active = { id, nextSeq: 1, history: [] };
      entries.push(this.#record('start', null, `session ${id} started`, time));
    }
    entries.push(this.#record('message', from, text, time));
    return entries;
  }

  /** Ends the active session with an event saying why; undefined when none is active. */
  end(reason: string, time: number): Entry | undefined {
    if (!this.#active) return undefined;
    const entry = this.#record('end', null, reason, time);
    this.#previous = this.#active;
    this.#active = null;
    return entry;
  }

  /**
   * What a client must be shown when it connects, given the last entry it saw (`seq` of
   * `session`), or nothing for a new window: the rest of its session if that one ended while it
   * was away, then the active session from where it left off.
   */
  catchUp(session?: string, seq = 0): CatchUp {
    const entries: Entry[] = [];
    let missed = 0;
    const since = (from: Session, after: number) => {
      const kept = from.history.filter((entry) => entry.seq > after);
      const first = from.history[0]?.seq ?? from.nextSeq;
      missed += Math.max(0, first - 1 - after);
      entries.push(...kept);
    };
    if (session && this.#previous?.id === session) since(this.#previous, seq);
    if (this.#active) since(this.#active, session === this.#active.id ? seq : 0);
    return { session: this.session, entries, missed };
  }

  #record(kind: Entry['kind'], from: Role | null, text: string, time: number): Entry {
    const session = this.#active!;
    const entry: Entry = { session: session.id, seq: session.nextSeq++, time, kind, from, text };
    session.history.push(entry);
    if (session.history.length > this.historyLimit) session.history.shift();
    return entry;
  }
}
