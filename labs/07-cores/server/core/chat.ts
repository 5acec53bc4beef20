import {
  BYE,
  LOBBY,
  MAX_ROOMS,
  MAX_ROOMS_PER_PERSON,
  USERS_PAGE,
  REPLACED,
  type Command,
  type Entry,
  type ErrorCode,
  type GateState,
  type RoomInfo,
  type ServerFrame,
  type SignalData,
  type UserInfo,
} from '../../shared/protocol.ts';
import { ROOM_NAME, ROOM_NAME_RULE, parseLine } from '../../shared/commands.ts';
import { nameKey, normalizeName } from '../../shared/names.ts';
import { RateLimit } from './rate-limit.ts';

/**
 * The I/O layer's handle for one connection, `Conn` below: the chat only keeps it, compares it and
 * hands it back in {@link Effects}, so it can be anything. The hub uses its own record of the
 * connection (no lookup to send a frame); the tests use numbers.
 */
export type ConnId = number;

/** What the I/O layer must do after a step of the chat, in this order. */
export interface Effects<Conn = ConnId> {
  /** Frames to send: each frame to every connection listed. */
  send: { to: Conn[]; frame: ServerFrame }[];
  /** New entries for the log, in the order they were numbered. */
  log: Entry[];
  /** Connections to close. */
  close: { conn: Conn; code: number; reason: string }[];
  /** The room list changed: tell everybody (the I/O layer may batch these). */
  roomsChanged: boolean;
}

/** A registered person, as the chat needs to know them. */
export interface Person {
  login: string;
  firstName: string;
  lastName: string;
}

/** Where a reconnecting client left off: the last entry it saw in a room. */
export interface Resume {
  room?: string;
  after?: number;
}

/** How many entries of each room the server keeps to replay. */
export const HISTORY_LIMIT = 500;

/** Signals one person may send: opening a link takes about 5 (an offer or answer, a few candidates). */
export const SIGNAL_RATE = { perSecond: 20, burst: 40 };

/** Signals one person may send to one other: opening a link takes a dozen, so a flood aimed at one person stops here first. */
export const PAIR_SIGNAL_RATE = { perSecond: 10, burst: 20 };

/** Lists of people one person may ask for: each answer reads every account, so a few a second in all is plenty. */
export const USERS_RATE = { perSecond: 1, burst: 5 };

/** Rooms with more people than this do not announce who comes and goes (see `#announce`). */
export const QUIET_ABOVE = 100;

type Joined = Extract<ServerFrame, { type: 'joined' }>;

interface Room<Conn> {
  name: string;
  creator: string | null;
  seq: number;
  history: Entry[];
  members: Set<Member<Conn>>;
  /** What a newcomer gets, made once per new entry: a crowd arriving shares one frame, which the I/O layer encodes once. */
  replay: Joined | undefined;
}

function newRoom<Conn>(name: string, creator: string | null): Room<Conn> {
  return { name, creator, seq: 0, history: [], members: new Set(), replay: undefined };
}

interface Member<Conn> {
  conn: Conn;
  login: string;
  room: Room<Conn>;
  /** Made at the first signal they send. */
  signals?: RateLimit;
  /** Made at the first signal to each person, by their login. */
  pairs?: Map<string, RateLimit>;
  /** Made at the first list of people they ask for. */
  asks?: RateLimit;
}

const key = nameKey;

/** The entries of `room` after `from`, and how many before them it no longer keeps. */
function replay({ name, history, seq }: Room<unknown>, from: number): Joined {
  const entries = history.filter((entry) => entry.seq > from);
  const missed = Math.max(0, (history[0]?.seq ?? seq + 1) - 1 - from);
  return { type: 'joined', room: name, entries, missed, last: seq };
}

/**
 * The chat's rooms, members and n-gate, without sockets, files or clocks: every method takes the
 * time it happens at and returns the {@link Effects} for the I/O layer to carry out.
 * Logins and room names are case-insensitive. A person has at most one connection: a new tab
 * replaces the old one, which keeps their room.
 */
export class Chat<Conn = ConnId> {
  readonly #rooms = new Map<string, Room<Conn>>();
  readonly #members = new Map<string, Member<Conn>>();
  readonly #byConn = new Map<Conn, Member<Conn>>();
  readonly #gate: GateState | null;
  readonly #directory: () => Person[];
  readonly #historyLimit: number;

  constructor({ gate = 0, directory, historyLimit = HISTORY_LIMIT }: { gate?: number; directory: () => Person[]; historyLimit?: number }) {
    this.#gate = gate > 0 ? { needed: gate, connected: 0, open: false } : null;
    this.#directory = directory;
    this.#historyLimit = historyLimit;
    this.#rooms.set(LOBBY, newRoom<Conn>(LOBBY, null));
  }

  /** The rooms, the lobby first, with their member counts. */
  rooms(): RoomInfo[] {
    const [lobby, ...others] = [...this.#rooms.values()];
    others.sort((a, b) => key(a.name).localeCompare(key(b.name)));
    return [lobby!, ...others].map(({ name, members, creator }) => ({ name, members: members.size, creator }));
  }

  /** A logged-in person connected. They land in the lobby, or back in the room they resume. */
  connect(conn: Conn, login: string, time: number, resume: Resume = {}): Effects<Conn> {
    const fx = effects<Conn>();
    const existing = this.#members.get(key(login));
    if (existing) {
      this.#replaceTab(fx, existing, conn, resume);
      return fx;
    }
    const resumed = resume.room !== undefined ? this.#rooms.get(key(resume.room)) : undefined;
    const room = resumed ?? this.#lobby();
    this.#announce(fx, room, time, `${login} joined`);
    const member: Member<Conn> = { conn, login, room };
    room.members.add(member);
    this.#members.set(key(login), member);
    this.#byConn.set(conn, member);
    fx.roomsChanged = true;
    const gateWasClosed = this.#gate !== null && !this.#gate.open;
    if (gateWasClosed) this.#count();
    this.#send(fx, [conn], { type: 'welcome', you: login, rooms: this.rooms(), gate: this.#gateState() });
    if (gateWasClosed) this.#announceGate(fx);
    const openedGate = gateWasClosed && this.#gate!.open;
    if (!openedGate) this.#sendJoined(fx, member, resumed ? resume : {});
    return fx;
  }

  /** A second tab of someone already here takes over: the first is closed, and nobody sees them leave or join. */
  #replaceTab(fx: Effects<Conn>, member: Member<Conn>, conn: Conn, resume: Resume): void {
    fx.close.push({ conn: member.conn, code: REPLACED, reason: 'replaced: you opened the chat in another tab' });
    this.#byConn.delete(member.conn);
    member.conn = conn;
    this.#byConn.set(conn, member);
    this.#send(fx, [conn], { type: 'welcome', you: member.login, rooms: this.rooms(), gate: this.#gateState() });
    this.#sendJoined(fx, member, resume);
  }

  /** A connection closed. Its person leaves; the rooms they created are deleted. */
  disconnect(conn: Conn, time: number): Effects<Conn> {
    const fx = effects<Conn>();
    const member = this.#byConn.get(conn);
    if (!member) return fx;
    this.#byConn.delete(conn);
    this.#members.delete(key(member.login));
    member.room.members.delete(member);
    this.#announce(fx, member.room, time, `${member.login} left`);
    for (const room of [...this.#rooms.values()]) {
      if (room.creator === member.login) this.#deleteRoom(fx, room, time, `${member.login}, who created it, left`);
    }
    if (this.#gate && !this.#gate.open) {
      this.#count();
      this.#announceGate(fx);
    }
    fx.roomsChanged = true;
    return fx;
  }

  /** A line typed in the message box: a message to the sender's room, or a `#` command. */
  say(conn: Conn, text: string, time: number): Effects<Conn> {
    const member = this.#byConn.get(conn);
    if (!member) return effects<Conn>();
    const line = parseLine(text);
    switch (line.kind) {
      case 'message': {
        const fx = effects<Conn>();
        this.#entry(fx, member.room, time, 'message', member.login, text);
        return fx;
      }
      case 'command':
        return this.command(conn, line.command, time);
      case 'private':
        return this.#refuse(conn, 'private-is-p2p', 'Private messages go straight to the other browser, never through the server: send them from the chat page.');
      case 'error':
        return this.#refuse(conn, line.code, line.message);
    }
  }

  /** A `#` command, typed or sent by a button. */
  command(conn: Conn, command: Command, time: number): Effects<Conn> {
    const member = this.#byConn.get(conn);
    if (!member) return effects<Conn>();
    const fx = effects<Conn>();
    switch (command.name) {
      case 'create': {
        const name = normalizeName(command.room);
        if (!ROOM_NAME.test(name)) return this.#refuse(conn, 'bad-room-name', `Room names are ${ROOM_NAME_RULE}.`);
        if (this.#rooms.has(key(name))) return this.#refuse(conn, 'room-exists', `There is already a room called ${name}.`);
        const mine = [...this.#rooms.values()].filter((room) => room.creator === member.login).length;
        if (mine >= MAX_ROOMS_PER_PERSON) return this.#refuse(conn, 'too-many-rooms', `You already have ${mine} rooms, the most one person may create: delete one first (#dR).`);
        if (this.#rooms.size - 1 >= MAX_ROOMS) return this.#refuse(conn, 'rooms-full', `The server already has ${MAX_ROOMS} rooms, its limit: join one (#lR lists them) or wait for one to go.`);
        const room = newRoom<Conn>(name, member.login);
        this.#rooms.set(key(room.name), room);
        this.#move(fx, member, room, time);
        return fx;
      }
      case 'go': {
        const room = this.#rooms.get(key(command.room));
        if (!room) return this.#refuse(conn, 'no-such-room', `There is no room called ${command.room}: #lR lists the rooms.`);
        if (room === member.room) return this.#refuse(conn, 'already-there', `You are already in ${room.name}.`);
        this.#move(fx, member, room, time);
        return fx;
      }
      case 'leave':
        if (member.room === this.#lobby()) {
          this.#send(fx, [conn], { type: 'info', text: 'You are in the lobby already: #eR only leaves other rooms.' });
          return fx;
        }
        this.#move(fx, member, this.#lobby(), time);
        return fx;
      case 'list':
        this.#send(fx, [conn], { type: 'rooms', rooms: this.rooms() });
        return fx;
      case 'delete': {
        const room = this.#rooms.get(key(command.room));
        if (!room) return this.#refuse(conn, 'no-such-room', `There is no room called ${command.room}: #lR lists the rooms.`);
        if (room.creator !== member.login) {
          const who = room.creator ? `only its creator, ${room.creator}, can` : 'nobody can';
          return this.#refuse(conn, 'not-creator', `You cannot delete ${room.name}: ${who}.`);
        }
        this.#deleteRoom(fx, room, time, `${member.login} deleted it`);
        return fx;
      }
      case 'users':
        member.asks ??= new RateLimit(USERS_RATE.perSecond, USERS_RATE.burst, time);
        if (!member.asks.take(time)) {
          return this.#refuse(conn, 'rate-limited', `Slow down: at most ${USERS_RATE.perSecond} list of people a second. Ask again in a moment.`);
        }
        this.#send(fx, [conn], this.#users(command.page ?? 0));
        return fx;
      case 'exit':
        fx.close.push({ conn, code: BYE, reason: 'bye' });
        return fx;
    }
  }

  /**
   * WebRTC signaling for another online person, stamped with the sender's real login. Each
   * person may send {@link SIGNAL_RATE}, and {@link PAIR_SIGNAL_RATE} to any one person: a flood
   * is refused at its sender.
   */
  signal(conn: Conn, to: string, data: SignalData, time: number): Effects<Conn> {
    const member = this.#byConn.get(conn);
    if (!member) return effects<Conn>();
    const target = this.#members.get(key(to));
    if (!target || target === member) return this.#refuse(conn, 'user-offline', target ? 'That is you.' : `${to} is not online.`, to);
    const pairs = (member.pairs ??= new Map());
    const pair = pairs.get(target.login) ?? new RateLimit(PAIR_SIGNAL_RATE.perSecond, PAIR_SIGNAL_RATE.burst, time);
    pairs.set(target.login, pair);
    if (!pair.take(time)) {
      return this.#refuse(conn, 'rate-limited', `Slow down: at most ${PAIR_SIGNAL_RATE.perSecond} signals a second to ${target.login}. That one was not relayed.`);
    }
    member.signals ??= new RateLimit(SIGNAL_RATE.perSecond, SIGNAL_RATE.burst, time);
    if (!member.signals.take(time)) {
      return this.#refuse(conn, 'rate-limited', `Slow down: at most ${SIGNAL_RATE.perSecond} signals a second. That one was not relayed.`);
    }
    const fx = effects<Conn>();
    this.#send(fx, [target.conn], { type: 'signal', from: member.login, data });
    return fx;
  }

  /** A page of the people: the online ones first, then the others, {@link USERS_PAGE} at a time. */
  #users(page: number): Extract<ServerFrame, { type: 'users' }> {
    const people = this.#directory();
    const online = people.filter((person) => this.#members.has(key(person.login)));
    const offline = people.filter((person) => !this.#members.has(key(person.login)));
    const pages = Math.max(1, Math.ceil(people.length / USERS_PAGE));
    const shown = Math.min(page, pages - 1);
    const users = [...online, ...offline].slice(shown * USERS_PAGE, (shown + 1) * USERS_PAGE).map(({ login, firstName, lastName }): UserInfo => {
      const member = this.#members.get(key(login));
      return { login, firstName, lastName, online: member !== undefined, room: member?.room.name ?? null };
    });
    return { type: 'users', users, page: shown, pages, online: online.length, total: people.length };
  }

  #lobby(): Room<Conn> {
    return this.#rooms.get(LOBBY)!;
  }

  #gateState(): GateState | null {
    return this.#gate && { ...this.#gate };
  }

  /** Counts the people connected while the gate is closed; the N-th opens it. */
  #count(): void {
    const gate = this.#gate!;
    gate.connected = this.#members.size;
    gate.open = gate.connected >= gate.needed;
  }

  /** Tells everyone the gate's state; when it just opened, everybody gets their room with every entry held so far. */
  #announceGate(fx: Effects<Conn>): void {
    const gate = this.#gate!;
    this.#send(fx, [...this.#byConn.keys()], { type: 'gate', gate: { ...gate } });
    if (gate.open) for (const member of this.#byConn.values()) this.#sendJoined(fx, member, {});
  }

  #move(fx: Effects<Conn>, member: Member<Conn>, to: Room<Conn>, time: number, { announce = true } = {}): void {
    member.room.members.delete(member);
    if (announce) this.#announce(fx, member.room, time, `${member.login} left for ${to.name}`);
    this.#announce(fx, to, time, `${member.login} joined`);
    to.members.add(member);
    member.room = to;
    this.#sendJoined(fx, member, {});
    fx.roomsChanged = true;
  }

  #deleteRoom(fx: Effects<Conn>, room: Room<Conn>, time: number, why: string): void {
    this.#notice(fx, room, time, `Room ${room.name} was deleted (${why}); everyone here goes back to the lobby.`);
    this.#rooms.delete(key(room.name));
    const members = [...room.members];
    for (const member of members) this.#move(fx, member, this.#lobby(), time, { announce: false });
    const info = `Room ${room.name} was deleted (${why}): you are back in the lobby.`;
    this.#send(fx, members.map((member) => member.conn), { type: 'info', text: info });
    fx.roomsChanged = true;
  }

  /** The `joined` frame: the room's entries after `resume.after` (all it keeps for a newcomer); none while the gate holds them. */
  #sendJoined(fx: Effects<Conn>, member: Member<Conn>, { room, after = 0 }: Resume): void {
    const { name } = member.room;
    const from = room !== undefined && key(room) === key(name) ? after : 0;
    const held = this.#gate !== null && !this.#gate.open;
    const frame: Joined = held
      ? { type: 'joined', room: name, entries: [], missed: 0, last: 0 }
      : from === 0
        ? (member.room.replay ??= replay(member.room, 0))
        : replay(member.room, from);
    this.#send(fx, [member.conn], frame);
  }

  /**
   * A notice that someone came or went, unless the room is crowded: in a room of more than
   * QUIET_ABOVE people, each would cost a frame to everyone (a crowd arriving, n² frames), and
   * nobody reads hundreds of "joined" lines. The room list still gives the count.
   */
  #announce(fx: Effects<Conn>, room: Room<Conn>, time: number, text: string): void {
    if (room.members.size <= QUIET_ABOVE) this.#notice(fx, room, time, text);
  }

  #notice(fx: Effects<Conn>, room: Room<Conn>, time: number, text: string): void {
    this.#entry(fx, room, time, 'notice', null, text);
  }

  /** Numbers a new entry of `room`, keeps it, logs it, and sends it to the room (unless the gate holds it). */
  #entry(fx: Effects<Conn>, room: Room<Conn>, time: number, kind: Entry['kind'], from: string | null, text: string): void {
    const entry: Entry = { room: room.name, seq: ++room.seq, time, kind, from, text };
    room.history.push(entry);
    if (room.history.length > this.#historyLimit) room.history.shift();
    room.replay = undefined;
    fx.log.push(entry);
    if (this.#gate && !this.#gate.open) return;
    this.#send(fx, [...room.members].map((member) => member.conn), { type: 'entry', entry });
  }

  #send(fx: Effects<Conn>, to: Conn[], frame: ServerFrame): void {
    if (to.length > 0) fx.send.push({ to, frame });
  }

  /** An error to `conn` only; `to` names the person a refused signal was for, so their link closes at once. */
  #refuse(conn: Conn, code: ErrorCode, message: string, to?: string): Effects<Conn> {
    const fx = effects<Conn>();
    this.#send(fx, [conn], to === undefined ? { type: 'error', code, message } : { type: 'error', code, message, to });
    return fx;
  }
}

function effects<Conn>(): Effects<Conn> {
  return { send: [], log: [], close: [], roomsChanged: false };
}
