import type { CatchUp, Entry } from './chat.ts';
import { checkMessage, type Role } from './message.ts';

/**
 * The WebSocket protocol: JSON text frames, one object each, with a `type`.
 *
 * The browser connects to `/ws?role=user` (or `agent`), adding `&session=ID&after=SEQ` when it
 * reconnects, and then sends {@link ClientFrame}s and receives {@link ServerFrame}s.
 */
export type ClientFrame =
  /** A chat message. */
  | { type: 'send'; text: string }
  /** End chat: ends the session for everyone. */
  | { type: 'end' }
  /** The person is typing (sent at most every couple of seconds). */
  | { type: 'typing' };

export type Online = Record<Role, number>;

export type ServerFrame =
  /** First frame on every connection: who you are, what you missed, who is here. */
  | ({ type: 'welcome'; role: Role; online: Online } & CatchUp)
  /** A new entry of the session, in `seq` order. */
  | { type: 'entry'; entry: Entry }
  /** How many windows of each role are connected. */
  | { type: 'presence'; online: Online }
  /** Somebody else is typing. */
  | { type: 'typing'; from: Role }
  /** Your last frame was refused; nothing changed and the connection stays open. */
  | { type: 'error'; code: ErrorCode; message: string };

export type ErrorCode = 'binary-frame' | 'not-json' | 'unknown-type' | 'bad-message' | 'rate-limited' | 'no-session';

export type Parsed = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string };

/** Reads one text frame from a client, or says in one sentence what is wrong with it. */
export function parseClientFrame(data: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, code: 'not-json', message: 'Frames must be JSON objects, like {"type":"send","text":"hi"}.' };
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  switch (type) {
    case 'send': {
      const checked = checkMessage((value as { text?: unknown }).text);
      return checked.ok ? { ok: true, frame: { type, text: checked.text } } : { ok: false, code: 'bad-message', message: checked.error };
    }
    case 'end':
    case 'typing':
      return { ok: true, frame: { type } };
    default:
      return { ok: false, code: 'unknown-type', message: 'Unknown frame type: expected "send", "end" or "typing".' };
  }
}
