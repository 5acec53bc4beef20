import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseLine } from '../../../shared/commands.ts';
import type { ClientFrame, Command, GateState, RoomInfo, ServerFrame, UserInfo } from '../../../shared/protocol.ts';
import { api } from '../lib/api.ts';
import { reconnectDelay } from '../lib/backoff.ts';
import { estimateOffset, type ClockEstimate, type Probe } from '../lib/clock.ts';
import { Peers } from '../lib/peers.ts';
import { RoomView } from '../lib/room-view.ts';

/** One line of a private conversation, as the tab shows it. */
export interface PrivateLine {
  from: string;
  time: number;
  text: string;
}

const CLOCK_PROBES = 5;
const USERS_EVERY_MS = 1000;

/** Close codes after which the tab does not reconnect by itself. */
const BYE = 1000;
const REPLACED = 4000;

/**
 * The chat's connection, for the component that hosts it: the WebSocket (with reconnects and
 * catch-up), the clock sync, the room, the lists, and the peer-to-peer private conversations.
 * It re-renders its host on every change, and fires `logged-out` on the host when the session ends.
 */
export class ChatController implements ReactiveController {
  status: 'connecting' | 'online' | 'offline' | 'elsewhere' | 'left' = 'connecting';
  /** When offline: how long until the next attempt. */
  retryInMs = 0;
  rooms: RoomInfo[] = [];
  users: UserInfo[] = [];
  gate: GateState | null = null;
  readonly room = new RoomView();
  /** The last error or reply of a command, for the notice line. */
  notice: { text: string; error: boolean } | null = null;
  clock: ClockEstimate | null = null;
  readonly privates = new Map<string, PrivateLine[]>();
  readonly links = new Map<string, 'connecting' | 'open' | 'closed'>();

  #socket: WebSocket | undefined;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #usersTimer: ReturnType<typeof setTimeout> | undefined;
  #probes: { id: number; sent: number; done: (probe: Probe) => void } | undefined;
  /** A typed `#lR` or `#show users` waiting for its answer, to show it in the notice line too. */
  #asked: 'list' | 'users' | undefined;
  readonly #peers: Peers;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    readonly me: string,
  ) {
    host.addController(this);
    this.#peers = new Peers(me, {
      signal: (to, data) => this.#send({ type: 'signal', to, data }),
      message: (from, { time, text }) => this.#addPrivate(from, { from, time, text }),
      state: (peer, state) => {
        this.links.set(peer.toLowerCase(), state);
        host.requestUpdate();
      },
    });
  }

  hostConnected(): void {
    this.#open();
  }

  hostDisconnected(): void {
    clearTimeout(this.#retry);
    clearTimeout(this.#usersTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(BYE);
    this.#peers.close();
  }

  /** Server time now, as well as the clock sync knows it. */
  now(): number {
    return Date.now() + (this.clock?.offset ?? 0);
  }

  /** A line from the message box: a message, a `#` command, or a private message (peer-to-peer). */
  say(text: string): void {
    this.notice = null;
    const line = parseLine(text);
    if (line.kind === 'private') return void this.sendPrivate(line.to, line.text);
    if (line.kind === 'command' && (line.command.name === 'list' || line.command.name === 'users')) this.#asked = line.command.name;
    this.#send({ type: 'send', text });
  }

  command(command: Command): void {
    this.#send({ type: 'command', command });
  }

  /** Shows a private conversation with `peer` (empty at first); returns the login as registered. */
  openPrivate(peer: string): string {
    const login = this.users.find((user) => user.login.toLowerCase() === peer.toLowerCase())?.login ?? peer;
    if (!this.privates.has(login)) this.privates.set(login, []);
    this.host.requestUpdate();
    return login;
  }

  /** Opens (or reuses) the direct link to `to` and sends `text` over it. Never through the server. */
  async sendPrivate(to: string, text: string): Promise<void> {
    if (to.toLowerCase() === this.me.toLowerCase()) return this.#notify('That is you: pick someone else for a private message.', true);
    const peer = this.openPrivate(to);
    try {
      const { time } = await this.#peers.send(peer, text, this.now());
      this.#addPrivate(peer, { from: this.me, time, text });
    } catch (error) {
      this.#notify((error as Error).message, true);
    }
  }

  /** Connects again after `#exit` or after another tab took over. */
  rejoin(): void {
    if (!this.#socket) this.#open();
  }

  /** Whether the direct link to `peer` is open now. */
  isLinked(peer: string): boolean {
    return this.#peers.isOpen(peer);
  }

  #open(): void {
    this.status = this.#attempt === 0 ? 'connecting' : 'offline';
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${this.room.resumeQuery()}`);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#attempt = 0;
      this.status = 'online';
      this.host.requestUpdate();
      void this.#syncClock();
    });
    socket.addEventListener('message', ({ data }) => this.#receive(JSON.parse(data as string) as ServerFrame));
    socket.addEventListener('close', ({ code }) => this.#closed(socket, code));
  }

  async #closed(socket: WebSocket, code: number): Promise<void> {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    if (code === REPLACED) {
      this.status = 'elsewhere';
      return this.host.requestUpdate();
    }
    if (code === BYE) {
      this.status = 'left';
      return this.host.requestUpdate();
    }
    const account = await api.me().catch(() => undefined);
    if (account === null) return this.#loggedOut('Your session ended (did the server restart?): log in again.');
    this.status = 'offline';
    this.retryInMs = reconnectDelay(this.#attempt++);
    this.#retry = setTimeout(() => this.#open(), this.retryInMs);
    this.host.requestUpdate();
  }

  #loggedOut(reason: string): void {
    this.#peers.close();
    this.host.dispatchEvent(new CustomEvent('logged-out', { detail: { reason }, bubbles: true, composed: true }));
  }

  #receive(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.rooms = frame.rooms;
        this.gate = frame.gate;
        this.#askUsers();
        break;
      case 'joined':
        this.room.joined(frame);
        break;
      case 'entry':
        if (this.room.accept(frame.entry) === 'gap') this.#socket?.close(4001, 'gap: catching up');
        break;
      case 'rooms':
        this.rooms = frame.rooms;
        if (this.#answered('list')) this.#notify(`Rooms: ${frame.rooms.map((room) => `${room.name} (${room.members})`).join(', ')}.`, false);
        this.#askUsers();
        break;
      case 'users':
        this.users = frame.users;
        if (this.#answered('users')) {
          this.#notify(`People: ${frame.users.map((user) => `${user.login} (${user.online ? `in ${user.room}` : 'offline'})`).join(', ')}.`, false);
        }
        break;
      case 'gate':
        this.gate = frame.gate;
        break;
      case 'info':
        this.#notify(frame.text, false);
        break;
      case 'error':
        this.#notify(frame.message, true);
        break;
      case 'signal':
        this.#peers.receiveSignal(frame.from, frame.data);
        break;
      case 'time':
        if (this.#probes?.id === frame.id) this.#probes.done({ sent: this.#probes.sent, server: frame.server, received: Date.now() });
        break;
    }
    this.host.requestUpdate();
  }

  /** Cristian's algorithm: a few probes one after another; the fastest round trip wins. */
  async #syncClock(): Promise<void> {
    const probes: Probe[] = [];
    for (let id = 1; id <= CLOCK_PROBES; id++) {
      const answered = new Promise<Probe>((done) => (this.#probes = { id, sent: Date.now(), done }));
      if (!this.#send({ type: 'time', id })) return;
      probes.push(await answered);
    }
    this.#probes = undefined;
    this.clock = estimateOffset(probes);
    this.host.requestUpdate();
  }

  #answered(command: 'list' | 'users'): boolean {
    if (this.#asked !== command) return false;
    this.#asked = undefined;
    return true;
  }

  #askUsers(): void {
    this.#usersTimer ??= setTimeout(() => {
      this.#usersTimer = undefined;
      this.command({ name: 'users' });
    }, USERS_EVERY_MS);
  }

  #addPrivate(peer: string, line: PrivateLine): void {
    this.privates.set(peer, [...(this.privates.get(peer) ?? []), line]);
    this.host.requestUpdate();
  }

  #notify(text: string, error: boolean): void {
    this.notice = { text, error };
    this.host.requestUpdate();
  }

  #send(frame: ClientFrame): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) {
      this.#notify('Not connected to the server right now: that was not sent. Private messages still work once a direct link is open.', true);
      return false;
    }
    this.#socket.send(JSON.stringify(frame));
    return true;
  }
}
