/**
 * Random and mutated frames for `fuzz.stress.ts`, and what each lab must answer to each one.
 *
 * The expectations are written here again from the protocol documents (lab 03's README, lab 04's
 * PROTOCOL.md, which lab 05 shares), not imported from the labs: a fuzzer that asked the lab's
 * own parser what the answer should be would agree with every bug in it.
 *
 * Not a test file.
 */
import { Rng } from './support.ts';

/** The kinds of bad input the issue names, plus mutations of valid frames and valid frames. */
export const CATEGORIES = {
  'invalid JSON': 14,
  'wrong types': 14,
  'huge numbers': 8,
  'deep nesting': 6,
  'unknown types': 12,
  'binary frames': 10,
  'invalid UTF-8': 1.25,
  'oversized frames': 1.25,
  'mutated valid frames': 23.5,
  'valid frames': 9,
} as const;
export type Category = keyof typeof CATEGORIES;

/** One frame to send: text (a string, or exact bytes that may not be UTF-8) or binary. */
export interface Wire {
  category: Category;
  data: string | Buffer;
  binary: boolean;
}

/** What the sender must see before the server answers its next ping. */
export type Expect =
  /** Exactly one error frame, with this code. */
  | { kind: 'error'; code: string }
  /** The server closes the connection with this status. */
  | { kind: 'close'; code: number }
  /** The message is delivered to the sender's room, the sender included, as sent. */
  | { kind: 'entry'; text: string }
  /** No error (lab 03's `typing`: the others are told, the sender is not). */
  | { kind: 'silent' }
  /** One of these frame types (for `time`, with this id), or one error with one of these codes. */
  | { kind: 'reply'; types: string[]; errors: string[]; id?: number; orNothing?: boolean };

/** A lab's protocol, as the fuzzer sees it: lab 03's, or lab 04's (which lab 05 speaks too). */
export interface Protocol {
  name: '03' | '04';
  /** A valid frame for `me` to send. */
  valid(rng: Rng, me: string): Record<string, unknown>;
  /** Where a wrong type can go in `frame`: paths of fields. */
  fields(frame: Record<string, unknown>): string[][];
  /** Frame types of the other lab and of the server, to send as unknown types. */
  strangers: string[];
  /** Raw JSON texts with huge numbers in every numeric or other place. */
  hugeNumbers(rng: Rng, me: string, big: string): string;
  expect(wire: Wire, me: string): Expect | 'skip';
}

export const MAX_PAYLOAD = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Text that people type, and text that they should not

const PIECES = [
  'hello', 'Hi! My order #1042 has not arrived yet.', ' ', '  ', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
  '\n', '\r\n', '\r', '\t', '\u0000', '\u0007', '\u001b[31mred', '\u007f', '\u0085', '\u2028', '\u2029', '\u202e', '\u200f',
  '\u2066', '\u2069', '\ufeff', '\u200b', '😀', '👩‍👩‍👧', 'e\u0301', 'Z̷̢̛a̶l̴g̵o', '\\n', '\\', '"', "'", '#', '2026-11-22 14:03:08 <agent> forged',
  '中文', 'ǅ', '\ud800', '\udfff', 'x'.repeat(100), '% s %d', '${7*7}', '{{7*7}}', '__proto__', 'null', '0', '-1',
];

/** Text of 1 to ~2100 UTF-16 units from the pieces above (a few go over the 2000 limit, some are blank). */
export function randomText(rng: Rng): string {
  if (rng.chance(0.03)) return ' '.repeat(rng.int(1, 5)); // blank
  if (rng.chance(0.03)) return rng.pick(['a', 'w']).repeat(rng.int(1990, 2010)); // around the limit, one long word
  let text = '';
  const pieces = rng.int(1, 12);
  for (let i = 0; i < pieces; i++) text += rng.pick(PIECES);
  return text;
}

/** JSON that JavaScript's own `JSON.parse` reads as text, in the same way the servers do. */
function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isBlank = (text: string) => text.trim() === '';

/**
 * What happens before either lab looks at the JSON: `ws` closes a frame over 64 KiB with 1009
 * and text that is not UTF-8 with 1007; a binary frame is refused; text that is not JSON too.
 */
function transport(wire: Wire): Expect | { parsed: unknown } {
  const bytes = typeof wire.data === 'string' ? Buffer.from(wire.data) : wire.data;
  if (bytes.length > MAX_PAYLOAD) return { kind: 'close', code: 1009 };
  if (wire.binary) return { kind: 'error', code: 'binary-frame' };
  if (!isUtf8(bytes)) return { kind: 'close', code: 1007 };
  const parsed = tryParse(bytes.toString('utf8'));
  return parsed.ok ? { parsed: parsed.value } : { kind: 'error', code: 'not-json' };
}

// ---------------------------------------------------------------------------------------------
// Lab 03: send, end, typing (README "The protocol: JSON frames")

export const PROTOCOL_03: Protocol = {
  name: '03',
  valid: (rng) => (rng.chance(0.1) ? { type: 'typing' } : { type: 'send', text: randomText(rng) }),
  fields: (frame) => (frame.type === 'send' ? [['type'], ['text']] : [['type']]),
  strangers: ['say', 'command', 'signal', 'time', 'welcome', 'entry', 'presence', 'error', 'SEND', 'Send', 'send ', 'typing\u0000', 'END'],
  hugeNumbers: (rng, _me, big) =>
    rng.pick([`{"type":"send","text":${big}}`, `{"type":${big}}`, `{"type":"typing","n":${big}}`, `{"type":"send","text":"${big}"}`, big]),
  expect(wire) {
    const first = transport(wire);
    if (!('parsed' in first)) return first;
    const frame = first.parsed;
    // Arrays are objects too: [].type is undefined, so an array is an unknown type.
    switch (isObject(frame) ? frame.type : undefined) {
      case 'send': {
        const text = (frame as Record<string, unknown>).text;
        return typeof text === 'string' && !isBlank(text) && text.length <= 2000 ? { kind: 'entry', text } : { kind: 'error', code: 'bad-message' };
      }
      case 'typing':
        return { kind: 'silent' };
      case 'end':
        return 'skip'; // would end the session for everyone: the protocol working, not bad input
      default:
        return { kind: 'error', code: 'unknown-type' };
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Lab 04's protocol, which lab 05 speaks too: send, command, signal, time (PROTOCOL.md)

const ROOM_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const ROOMS = ['r0', 'r1', 'r2', 'R1', 'games', 'lobby', 'LOBBY', '', ' ', 'a b', '<b>', 'x'.repeat(33), 'r1\n', '\u202er1'];
const TYPED = ['#lR', '#LR', '#show users', '#SHOW USERS', '#show rooms', '#eR', '#eR lobby', '#gR r1', '#gr R1', '#gR lobby', '#cR r2', '#cR', '#cR a b', '#cR <b>',
  '#dR r2', '#dR lobby', '#\\private someone hello', '#\\private', '#kick', '#', '  #lR  ', '#gR\u2028r1', '#exit', '#EXIT now'];
const COMMANDS = ['create', 'go', 'leave', 'list', 'delete', 'users', 'exit'];
const WITH_ROOM = ['create', 'go', 'delete'];

function signalData(rng: Rng): Record<string, unknown> {
  switch (rng.int(0, 3)) {
    case 0:
      return { kind: 'offer', sdp: rng.chance(0.5) ? `v=0\r\no=- ${rng.int(0, 1_000_000)} 2 IN IP4 127.0.0.1\r\ns=-\r\n` : `v=0 ${randomText(rng)}` };
    case 1:
      return { kind: 'answer', sdp: 'v=0' };
    case 2:
      return { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    default:
      return { kind: 'candidate', candidate: null };
  }
}

export const PROTOCOL_04: Protocol = {
  name: '04',
  valid(rng, me) {
    const roll = rng.next();
    if (roll < 0.5) return { type: 'send', text: randomText(rng) };
    if (roll < 0.65) return { type: 'send', text: rng.pick(TYPED.filter((line) => !/exit/i.test(line) || rng.chance(0.05))) };
    if (roll < 0.8) {
      const name = rng.pick(COMMANDS.filter((command) => command !== 'exit' || rng.chance(0.05)));
      return { type: 'command', command: WITH_ROOM.includes(name) ? { name, room: rng.pick(ROOMS) } : { name } };
    }
    // Signals go to oneself or to nobody online: a real peer would get them, and the sender nothing.
    if (roll < 0.9) return { type: 'signal', to: rng.chance(0.5) ? me : `nobody-${rng.int(0, 99)}`, data: signalData(rng) };
    return { type: 'time', id: rng.int(-1000, 1_000_000) };
  },
  fields(frame) {
    switch (frame.type) {
      case 'send':
        return [['type'], ['text']];
      case 'command':
        return [['command'], ['command', 'name'], ['command', 'room']];
      case 'signal':
        return [['to'], ['data'], ['data', 'kind'], ['data', 'sdp'], ['data', 'candidate'], ['data', 'candidate', 'candidate']];
      default:
        return [['id'], ['type']];
    }
  },
  strangers: ['say', 'end', 'typing', 'welcome', 'joined', 'entry', 'rooms', 'users', 'gate', 'info', 'error', 'SEND', 'Send', 'send ', 'time\u0000', 'private'],
  hugeNumbers: (rng, me, big) =>
    rng.pick([
      `{"type":"time","id":${big}}`,
      `{"type":"send","text":${big}}`,
      `{"type":${big}}`,
      `{"type":"command","command":{"name":"go","room":${big}}}`,
      `{"type":"command","command":{"name":${big}}}`,
      `{"type":"signal","to":"${me}","data":{"kind":"candidate","candidate":{"candidate":"c","sdpMLineIndex":${big}}}}`,
      `{"type":"send","text":"${big}"}`,
      big,
    ]),
  expect(wire, me) {
    const first = transport(wire);
    if (!('parsed' in first)) return first;
    const frame = first.parsed;
    if (!isObject(frame)) return { kind: 'error', code: 'unknown-type' };
    switch (frame.type) {
      case 'send': {
        const text = frame.text;
        if (typeof text !== 'string' || isBlank(text) || text.length > 2000) return { kind: 'error', code: 'bad-message' };
        return typedLine(text);
      }
      case 'command': {
        const command = frame.command;
        if (!isObject(command) || !COMMANDS.includes(command.name as string)) return { kind: 'error', code: 'unknown-command' };
        if (WITH_ROOM.includes(command.name as string) && typeof command.room !== 'string') return { kind: 'error', code: 'bad-argument' };
        return commandOutcome(command.name as string, command.room as string);
      }
      case 'signal':
        if (typeof frame.to !== 'string' || !isSignalData(frame.data)) return { kind: 'error', code: 'bad-signal' };
        // To yourself: refused. To anyone else: refused if offline, or relayed to them (nothing for the sender).
        return frame.to.toLowerCase() === me.toLowerCase()
          ? { kind: 'error', code: 'user-offline' }
          : { kind: 'reply', types: [], errors: ['user-offline'], orNothing: true };
      case 'time':
        return Number.isSafeInteger(frame.id) ? { kind: 'reply', types: ['time'], errors: [], id: frame.id as number } : { kind: 'error', code: 'unknown-type' };
      default:
        return { kind: 'error', code: 'unknown-type' };
    }
  },
};

const SDP = /^v=0(?:\r?\n[a-z]=[^\r\n]*)*(?:\r?\n)?$/;
const CANDIDATE =
  /^candidate:[\w+/]{1,32} \d{1,3} (?:udp|tcp) \d{1,10} [\w.:-]{1,64} \d{1,5} typ (?:host|srflx|prflx|relay)(?: (?:raddr|rport|tcptype|generation|ufrag|network-id|network-cost) [\w.:+/-]{1,256})*$/i;

/**
 * PROTOCOL.md: `data` is an offer or answer whose `sdp` is SDP (first line `v=0`, at most 16 KiB),
 * or a candidate: null, or an object whose `candidate` is empty or a `candidate:` line of at most
 * 512 characters, with a short `sdpMid` if any.
 */
function isSignalData(data: unknown): boolean {
  if (!isObject(data)) return false;
  if (data.kind === 'offer' || data.kind === 'answer') return typeof data.sdp === 'string' && data.sdp.length <= 16 * 1024 && SDP.test(data.sdp);
  if (data.kind !== 'candidate') return false;
  if (data.candidate === null) return true;
  if (!isObject(data.candidate)) return false;
  const { candidate, sdpMid } = data.candidate;
  const line = typeof candidate === 'string' && candidate.length <= 512 && (candidate === '' || CANDIDATE.test(candidate));
  return line && (typeof sdpMid !== 'string' || /^[\w-]{1,32}$/.test(sdpMid));
}

/** A `send` text: a message, or (first non-blank character `#`) a typed command. */
function typedLine(text: string): Expect {
  const line = text.trim();
  if (!line.startsWith('#')) return { kind: 'entry', text };
  const [word = '', ...rest] = line.split(/\s+/);
  const name = word.toLowerCase();
  const argument = (count: number, outcome: () => Expect): Expect => (rest.length === count ? outcome() : { kind: 'error', code: 'bad-argument' });
  switch (name) {
    case '#\\private':
      return rest.length >= 2 ? { kind: 'error', code: 'private-is-p2p' } : { kind: 'error', code: 'bad-argument' };
    case '#show':
      return rest.length === 1 && rest[0]!.toLowerCase() === 'users' ? commandOutcome('users') : { kind: 'error', code: 'bad-argument' };
    case '#cr':
      return argument(1, () => commandOutcome('create', rest[0]));
    case '#gr':
      return argument(1, () => commandOutcome('go', rest[0]));
    case '#dr':
      return argument(1, () => commandOutcome('delete', rest[0]));
    case '#er':
      return argument(0, () => commandOutcome('leave'));
    case '#lr':
      return argument(0, () => commandOutcome('list'));
    case '#exit':
      return argument(0, () => commandOutcome('exit'));
    default:
      return { kind: 'error', code: 'unknown-command' };
  }
}

/** What a well-formed command can answer; which one depends on the rooms at that moment. */
function commandOutcome(name: string, room?: string): Expect {
  switch (name) {
    case 'create':
      return ROOM_NAME.test(room!) ? { kind: 'reply', types: ['joined'], errors: ['room-exists', 'too-many-rooms', 'rooms-full'] } : { kind: 'error', code: 'bad-room-name' };
    case 'go':
      return { kind: 'reply', types: ['joined'], errors: ['no-such-room', 'already-there'] };
    case 'leave':
      return { kind: 'reply', types: ['joined', 'info'], errors: [] };
    case 'list':
      return { kind: 'reply', types: ['rooms'], errors: [] };
    case 'users':
      return { kind: 'reply', types: ['users'], errors: ['rate-limited'] };
    case 'delete':
      // Deleting your own room while you are elsewhere answers nothing at once (the room list follows).
      return { kind: 'reply', types: ['joined'], errors: ['no-such-room', 'not-creator'], orNothing: true };
    default:
      return { kind: 'close', code: 1000 };
  }
}

// ---------------------------------------------------------------------------------------------
// The generators, one per category

const WRONG_VALUES: unknown[] = [0, -1, 1.5, true, false, null, [], {}, [1, 'two'], { a: 1 }, '', 'text', [['x']]];
const BIG_NUMBERS = ['1e308', '-1e308', '1e309', '-1e400', '9007199254740992', '9007199254740993', '-9007199254740993', '9007199254740991', '-0',
  '0.0000000000000000001', '1e-400', '123456789012345678901234567890', '-123456789.123456789e123'];
const BROKEN_JSON = ['', ' ', '{', '}', '[', '{"type":}', "{'type':'send'}", '{"type":"send",}', 'NaN', 'undefined', '{"type":"send","text":"\\x41"}',
  '"unterminated', '\ufeff{"type":"time","id":1}', '{"a":1}{"b":2}', '{"type" "send"}', 'tru', '{"type":"send","text":"a\u0001b"}', '[1,]', '{"type":"time","id":01}'];

function withField(frame: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(frame);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
  return copy;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function valueAt(frame: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = frame;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

function nested(rng: Rng, room: number): string {
  if (rng.chance(0.5)) {
    const depth = Math.min(room / 2, rng.int(100, 25_000));
    return '['.repeat(depth) + (rng.chance(0.5) ? '"x"' : '') + ']'.repeat(depth);
  }
  const depth = Math.min(room / 7, rng.int(100, 8_000));
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const MUTATIONS = ['delete', 'insert', 'replace', 'duplicate', 'swap', 'case'] as const;
const INSERTS = ['{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', 'a', '#', '\u0000', '\u2028', 'é', '😀', 'null'];

function mutate(rng: Rng, text: string): string {
  let result = text;
  for (let round = rng.int(1, 4); round > 0 && result.length > 0; round--) {
    const at = rng.int(0, result.length - 1);
    switch (rng.pick(MUTATIONS)) {
      case 'delete':
        result = result.slice(0, at) + result.slice(at + rng.int(1, 3));
        break;
      case 'insert':
        result = result.slice(0, at) + rng.pick(INSERTS) + result.slice(at);
        break;
      case 'replace':
        result = result.slice(0, at) + rng.pick(INSERTS) + result.slice(at + 1);
        break;
      case 'duplicate': {
        const end = Math.min(result.length, at + rng.int(1, 20));
        result = result.slice(0, end) + result.slice(at, end) + result.slice(end);
        break;
      }
      case 'swap':
        if (at + 1 < result.length) result = result.slice(0, at) + result[at + 1] + result[at] + result.slice(at + 2);
        break;
      case 'case':
        result = result.slice(0, at) + (result[at] === result[at]!.toUpperCase() ? result[at]!.toLowerCase() : result[at]!.toUpperCase()) + result.slice(at + 1);
        break;
    }
  }
  return result;
}

const INVALID_UTF8 = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xfe], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];

function generateOnce(rng: Rng, protocol: Protocol, me: string, category: Category): Wire {
  const text = (data: string): Wire => ({ category, data, binary: false });
  const valid = () => protocol.valid(rng, me);
  switch (category) {
    case 'invalid JSON': {
      if (rng.chance(0.3)) return text(rng.pick(BROKEN_JSON));
      const base = JSON.stringify(valid());
      for (let attempt = 0; attempt < 5; attempt++) {
        const broken = rng.chance(0.5) ? base.slice(0, rng.int(0, base.length - 1)) : mutate(rng, base);
        if (!tryParse(broken).ok) return text(broken);
      }
      return text('{oops');
    }
    case 'wrong types': {
      if (rng.chance(0.1)) return text(JSON.stringify(rng.pick(WRONG_VALUES))); // the whole frame
      const frame = valid();
      const path = rng.pick(protocol.fields(frame));
      const current = typeName(valueAt(frame, path));
      const wrong = WRONG_VALUES.filter((value) => typeName(value) !== current);
      return text(JSON.stringify(withField(frame, path, rng.pick(wrong))));
    }
    case 'huge numbers': {
      const big = rng.chance(0.1) ? `9${'9'.repeat(rng.int(300, 60_000))}` : rng.pick(BIG_NUMBERS);
      return text(protocol.hugeNumbers(rng, me, big));
    }
    case 'deep nesting': {
      const frame = valid();
      const placeholder = '"__NESTED__"';
      const shell = rng.chance(0.2) ? placeholder : JSON.stringify(withField(frame, rng.pick(protocol.fields(frame)), '__NESTED__'));
      return text(shell.replace(placeholder, nested(rng, MAX_PAYLOAD - shell.length)));
    }
    case 'unknown types': {
      const roll = rng.next();
      if (roll < 0.15) return text(rng.pick(['{}', '{"text":"hi"}', '{"__proto__":{"type":"send","text":"x"}}', '{"constructor":{"prototype":{"type":"send"}}}', '{"type":null}']));
      const type =
        roll < 0.5
          ? rng.pick(protocol.strangers)
          : roll < 0.65
            ? rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''])
            : Buffer.from(rng.bytes(rng.int(1, 12))).toString('base64');
      return text(JSON.stringify({ ...valid(), type }));
    }
    case 'binary frames':
      return { category, data: rng.chance(0.3) ? Buffer.from(JSON.stringify(valid())) : rng.bytes(rng.int(0, 1024)), binary: true };
    case 'invalid UTF-8': {
      const base = Buffer.from(JSON.stringify(valid()));
      const at = rng.int(0, base.length);
      return { category, data: Buffer.concat([base.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), base.subarray(at)]), binary: false };
    }
    case 'oversized frames': {
      const size = rng.chance(0.1) ? MAX_PAYLOAD + rng.int(-2, 2) : rng.int(MAX_PAYLOAD + 1, 4 * MAX_PAYLOAD); // a few at the boundary
      const shell = JSON.stringify({ ...valid(), type: 'send', text: '' });
      const padded = shell.replace('"text":""', `"text":"${'w'.repeat(Math.max(0, size - shell.length))}"`);
      return rng.chance(0.2) ? { category, data: Buffer.from(padded), binary: true } : text(padded);
    }
    case 'mutated valid frames':
      return text(mutate(rng, JSON.stringify(valid())));
    case 'valid frames':
      return text(JSON.stringify(valid()));
  }
}

/** A random frame for `me` and what the lab must answer; never one the oracle skips. */
export function generate(rng: Rng, protocol: Protocol, me: string): { wire: Wire; expect: Expect } {
  for (;;) {
    const wire = generateOnce(rng, protocol, me, rng.weighted(CATEGORIES));
    const expect = protocol.expect(wire, me);
    if (expect !== 'skip') return { wire, expect };
  }
}
