/**
 * The lab 06 WebSocket protocol: JSON text frames, one object each, with a `type`.
 * Imported by the server and by the browser client alike, so both agree on every frame.
 * The TCP line protocol (`text-protocol.ts`) carries the same frames as lines of text.
 * PROTOCOL.md explains each frame with an example.
 */

/** The room everybody lands in, which nobody can delete. */
export const LOBBY = 'lobby';

/** Rooms one person may have created at once (they go when their creator leaves). */
export const MAX_ROOMS_PER_PERSON = 5;

/** Rooms on the server at once, besides the lobby: the room list stays short enough to send to everyone. */
export const MAX_ROOMS = 100;

/** People per `users` answer: the online ones first, then the others, a page at a time. */
export const USERS_PAGE = 50;

/** The longest chat message, in UTF-16 code units. */
export const MAX_MESSAGE_LENGTH = 2000;

// Close statuses: each means one thing. Besides these, the standard ones: 1001 when the server
// stops, 1007 for text that is not UTF-8, 1009 for a frame too big, and 1006 (seen, never sent)
// when a connection is cut without a close frame.

/** The person left on purpose: `#exit`, or the page closing its own socket. Nobody reconnects. */
export const BYE = 1000;

/** Another tab (or device) of the same person took over. The replaced tab does not reconnect by itself. */
export const REPLACED = 4000;

/** The person logged out (`POST /api/logout`): the socket ends with the session. */
export const LOGGED_OUT = 4001;

/** Sent by the browser, never by the server: it saw a gap in a room's `seq` and reconnects to catch up. */
export const RESYNC = 4002;

/** TCP only: nothing came from the client for too long, not even an answer to "Still there?". */
export const IDLE = 4003;

/** TCP only: the connection ended before anyone logged in on it (wrong passwords, too many attempts, or too many connections). */
export const NOT_LOGGED_IN = 4004;

/** One numbered line of a room: a message, or a notice such as "alice joined". */
export interface Entry {
  room: string;
  /** 1, 2, 3… within the room: the order the server received things in. */
  seq: number;
  /** Server time, in milliseconds since 1970. */
  time: number;
  kind: 'message' | 'notice';
  /** The sender's login; null for notices. */
  from: string | null;
  text: string;
}

export interface RoomInfo {
  name: string;
  members: number;
  /** Who created it (null for the lobby): only they may delete it. */
  creator: string | null;
}

export interface UserInfo {
  login: string;
  firstName: string;
  lastName: string;
  online: boolean;
  /** The room they are in, when online. */
  room: string | null;
}

export interface GateState {
  /** How many distinct users must be connected before anyone sees a message. */
  needed: number;
  connected: number;
  open: boolean;
}

/** The `#` commands, as the UI's buttons send them. */
export type Command =
  | { name: 'create'; room: string }
  | { name: 'go'; room: string }
  | { name: 'leave' }
  | { name: 'list' }
  | { name: 'delete'; room: string }
  /** A page of the people (0, the first, when absent). */
  | { name: 'users'; page?: number }
  | { name: 'exit' };

/** The longest SDP relayed (an offer or answer): a browser's data-channel offer is 1–4 KB. */
export const MAX_SDP_LENGTH = 16 * 1024;

/** The longest ICE candidate line relayed: a real one is about 100–200 characters. */
export const MAX_CANDIDATE_LENGTH = 512;

/** WebRTC signaling, relayed between two online users only if it looks like SDP or ICE: never chat text. */
export type SignalData =
  | { kind: 'offer' | 'answer'; sdp: string }
  | { kind: 'candidate'; candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null };

export type ClientFrame =
  /** A message to your room, or a `#` command typed as text. */
  | { type: 'send'; text: string }
  /** A command without typing it. */
  | { type: 'command'; command: Command }
  /** A WebRTC offer, answer or ICE candidate for another user. */
  | { type: 'signal'; to: string; data: SignalData }
  /** A clock probe: the server answers at once with its time. */
  | { type: 'time'; id: number };

export type ServerFrame =
  /** First frame: who you are, the rooms, the gate. A `joined` frame follows. */
  | { type: 'welcome'; you: string; rooms: RoomInfo[]; gate: GateState | null }
  /** You are now in `room`: its entries after the one you last saw, oldest first. */
  | { type: 'joined'; room: string; entries: Entry[]; missed: number; last: number }
  /** A new entry of your room, in `seq` order. */
  | { type: 'entry'; entry: Entry }
  /** The rooms and their member counts (on `#lR`, and whenever they change). */
  | { type: 'rooms'; rooms: RoomInfo[] }
  /**
   * A page of the registered users (on `#show users`): the online ones first, at most
   * {@link USERS_PAGE}; `online` and `total` count everybody, and `pages` says how many pages there are.
   */
  | { type: 'users'; users: UserInfo[]; page: number; pages: number; online: number; total: number }
  /** The n-gate's state, while it is closed and when it opens. */
  | { type: 'gate'; gate: GateState }
  /** A reply that is not an error, e.g. "You are already in the lobby." */
  | { type: 'info'; text: string }
  /** Your last frame or command was refused; nothing changed. `to`: the login a refused `signal` was for. */
  | { type: 'error'; code: ErrorCode; message: string; to?: string }
  /** Signaling from another user; `from` is stamped by the server. */
  | { type: 'signal'; from: string; data: SignalData }
  /** The answer to a clock probe. */
  | { type: 'time'; id: number; server: number };

export type ErrorCode =
  | 'binary-frame'
  | 'not-json'
  | 'unknown-type'
  | 'bad-message'
  | 'rate-limited'
  | 'unknown-command'
  | 'bad-argument'
  | 'bad-room-name'
  | 'room-exists'
  | 'too-many-rooms'
  | 'rooms-full'
  | 'no-such-room'
  | 'already-there'
  | 'not-creator'
  | 'private-is-p2p'
  | 'bad-signal'
  | 'user-offline'
  | 'peer-busy'
  | 'terminal-user'
  | 'line-too-long'
  | 'not-utf8';

export type Parsed = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string };

const COMMAND_NAMES = ['create', 'go', 'leave', 'list', 'delete', 'users', 'exit'];
const NEEDS_ROOM = ['create', 'go', 'delete'];

/** Reads one text frame from a client, or says in one sentence what is wrong with it. */
export function parseClientFrame(data: string): Parsed {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return refuse('not-json', 'Frames must be JSON objects, like {"type":"send","text":"hi"}.');
  }
  if (typeof frame !== 'object' || frame === null) return refuse('unknown-type', 'Frames must be JSON objects with a "type".');
  const f = frame as Record<string, unknown>;
  switch (f.type) {
    case 'send':
      return sendFrame(f.text);
    case 'command': {
      const command = f.command as Record<string, unknown> | null;
      if (typeof command !== 'object' || command === null || !COMMAND_NAMES.includes(command.name as string)) {
        return refuse('unknown-command', `A command frame needs a name: ${COMMAND_NAMES.join(', ')}.`);
      }
      if (NEEDS_ROOM.includes(command.name as string) && typeof command.room !== 'string') {
        return refuse('bad-argument', `The ${command.name as string} command needs a room.`);
      }
      if (command.name === 'users' && command.page !== undefined) {
        return Number.isSafeInteger(command.page) && (command.page as number) >= 0
          ? { ok: true, frame: { type: 'command', command: { name: 'users', page: command.page as number } } }
          : refuse('bad-argument', 'A page of people is a whole number from 0.');
      }
      const value = NEEDS_ROOM.includes(command.name as string) ? { name: command.name, room: command.room } : { name: command.name };
      return { ok: true, frame: { type: 'command', command: value as Command } };
    }
    case 'signal': {
      if (typeof f.to !== 'string') return refuse('bad-signal', 'A signal frame needs "to" (a login) and "data" (an offer, an answer or a candidate).');
      const data = toSignalData(f.data);
      return typeof data === 'string' ? refuse('bad-signal', data) : { ok: true, frame: { type: 'signal', to: f.to, data } };
    }
    case 'time':
      return Number.isSafeInteger(f.id) ? { ok: true, frame: { type: 'time', id: f.id as number } } : refuse('unknown-type', 'A time frame needs a whole-number "id".');
    default:
      return refuse('unknown-type', 'Unknown frame type: expected "send", "command", "signal" or "time".');
  }
}

/** A `send` frame for `text`, or why it cannot be sent: the same rules for a WebSocket frame and a line typed over TCP. */
export function sendFrame(text: unknown): Parsed {
  if (typeof text !== 'string' || text.trim() === '') return refuse('bad-message', 'Type a message first: an empty message is not sent.');
  if (text.length > MAX_MESSAGE_LENGTH) return refuse('bad-message', `Your message is ${text.length} characters long; the limit is ${MAX_MESSAGE_LENGTH}.`);
  return { ok: true, frame: { type: 'send', text } };
}

/** SDP: the line `v=0`, then lines like `o=- 4611 2 IN IP4 127.0.0.1` (one letter, `=`, a value). */
const SDP = /^v=0(?:\r?\n[a-z]=[^\r\n]*)*(?:\r?\n)?$/;

/**
 * An ICE candidate (RFC 8839): foundation, component, transport, priority, address, port, type,
 * then known `name value` pairs, e.g.
 * `candidate:842163049 1 udp 1677729535 127.0.0.1 46154 typ host generation 0 ufrag EsAw network-id 1`.
 */
const CANDIDATE =
  /^candidate:[\w+/]{1,32} \d{1,3} (?:udp|tcp) \d{1,10} [\w.:-]{1,64} \d{1,5} typ (?:host|srflx|prflx|relay)(?: (?:raddr|rport|tcptype|generation|ufrag|network-id|network-cost) [\w.:+/-]{1,256})*$/i;

/**
 * Keeps only the fields WebRTC needs, and only if they look like SDP or an ICE candidate, so no
 * chat text rides along; returns the sentence that says why not otherwise.
 */
function toSignalData(data: unknown): SignalData | string {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (d.kind === 'offer' || d.kind === 'answer') {
    if (typeof d.sdp !== 'string' || d.sdp.length > MAX_SDP_LENGTH || !SDP.test(d.sdp)) {
      return `An ${d.kind} must be SDP of at most ${MAX_SDP_LENGTH} characters: the line v=0, then lines like "a=…". It was not relayed.`;
    }
    return { kind: d.kind, sdp: d.sdp };
  }
  if (d.kind !== 'candidate') return 'A signal\'s "data" is an offer, an answer or a candidate.';
  if (d.candidate === null) return { kind: 'candidate', candidate: null };
  const c = (typeof d.candidate === 'object' && d.candidate !== null ? d.candidate : {}) as Record<string, unknown>;
  const sdpMid = typeof c.sdpMid === 'string' ? c.sdpMid : null;
  const ok = typeof c.candidate === 'string' && c.candidate.length <= MAX_CANDIDATE_LENGTH && (c.candidate === '' || CANDIDATE.test(c.candidate));
  if (!ok || (sdpMid !== null && !/^[\w-]{1,32}$/.test(sdpMid))) {
    return `An ICE candidate must be one "candidate:…" line of at most ${MAX_CANDIDATE_LENGTH} characters, with a short sdpMid. It was not relayed.`;
  }
  const sdpMLineIndex = Number.isSafeInteger(c.sdpMLineIndex) ? (c.sdpMLineIndex as number) : null;
  return { kind: 'candidate', candidate: { candidate: c.candidate as string, sdpMid, sdpMLineIndex } };
}

function refuse(code: ErrorCode, message: string): { ok: false; code: ErrorCode; message: string } {
  return { ok: false, code, message };
}
