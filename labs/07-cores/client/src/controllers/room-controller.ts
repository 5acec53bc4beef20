import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ParsedLine } from '../../../shared/commands.ts';
import { nameKey } from '../../../shared/names.ts';
import type { Command, GateState, RoomInfo, ServerFrame, UserInfo } from '../../../shared/protocol.ts';
import { errorText } from '../i18n/texts.ts';
import { peopleLine, roomsLine } from '../lib/format.ts';
import { infoText } from '../lib/notices.ts';
import { RoomView } from '../lib/room-view.ts';
import type { ConnectionController, ConnectionListener } from './connection-controller.ts';
import type { NoticeController } from './notice-controller.ts';

/** How long the people list waits after someone came or went before it asks again. */
const PEOPLE_REASK_MS = 2000;

/** How many people the room list counts, in every room. */
const online = (rooms: RoomInfo[]) => rooms.reduce((sum, room) => sum + room.members, 0);

/**
 * What the server says about the chat: the room this tab is in and its entries (in `seq` order,
 * see `lib/room-view.ts`; on a gap the connection resyncs), the rooms with their counts, the
 * people, the n-gate, and the server's replies in the notice line. Sends messages and commands.
 */
export class RoomController implements ReactiveController, ConnectionListener {
  readonly view = new RoomView();
  rooms: RoomInfo[] = [];
  users: UserInfo[] = [];
  /** Which page of the people `users` is, and how many people there are. */
  people = { page: 0, pages: 1, online: 0, total: 0 };
  gate: GateState | null = null;

  /** A typed `#lR` or `#show users` waiting for its answer, to show it in the notice line too. */
  #asked: 'list' | 'users' | undefined;
  /** The login the server welcomed this tab as. */
  #me = '';
  /** How many people the room list counts online: when it changes, the people are asked for again. */
  #online = 0;
  #reask: ReturnType<typeof setTimeout> | undefined;

  constructor(
    host: ReactiveControllerHost,
    private readonly connection: ConnectionController,
    private readonly notice: NoticeController,
  ) {
    host.addController(this);
    connection.listen(this);
  }

  hostDisconnected(): void {
    this.#asked = undefined;
    clearTimeout(this.#reask);
    this.#reask = undefined;
  }

  /** A line typed in the message box (a message or a `#` command), sent as typed: the server reads it. */
  say(text: string, line: ParsedLine): void {
    if (line.kind === 'command' && (line.command.name === 'list' || line.command.name === 'users')) this.#asked = line.command.name;
    const sent = this.connection.send({ type: 'send', text });
    if (sent && line.kind === 'message' && this.gate && !this.gate.open) this.view.hold({ from: this.#me, text });
  }

  /** A command from a button. */
  command(command: Command): void {
    this.connection.send({ type: 'command', command });
  }

  /**
   * Asks for a page of the people: on arrival, when the person asks, and when someone came or
   * went (at most every {@link PEOPLE_REASK_MS}). Each answer costs the server a read of every
   * account, so a page that asked at every room list, in every tab, would cost it most.
   */
  askPeople(page = this.people.page): void {
    this.command({ name: 'users', page });
  }

  /** `name` as registered (`Bob` for `bob`, `josé` for `JOSE\u0301`), or `name` itself when nobody has it. */
  loginOf(name: string): string {
    return this.users.find((user) => nameKey(user.login) === nameKey(name))?.login ?? name;
  }

  received(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.#me = frame.you;
        this.rooms = frame.rooms;
        this.#online = online(frame.rooms);
        this.gate = frame.gate;
        this.askPeople();
        break;
      case 'joined':
        this.view.joined(frame);
        break;
      case 'entry':
        if (this.view.accept(frame.entry) === 'gap') this.connection.resync();
        break;
      case 'rooms':
        this.rooms = frame.rooms;
        if (this.#answered('list')) this.notice.show(roomsLine(frame.rooms), false);
        if (online(frame.rooms) !== this.#online) this.#peopleChanged(online(frame.rooms));
        break;
      case 'users': {
        const { users, page, pages, online, total } = frame;
        this.users = users;
        this.people = { page, pages, online, total };
        if (this.#answered('users')) this.notice.show(peopleLine(frame), false);
        break;
      }
      case 'gate':
        this.gate = frame.gate;
        break;
      case 'info':
        this.notice.show(infoText(frame.text), false);
        break;
      case 'error':
        // A refused signal (`to`) is for the private link, which fails the waiting message with it.
        if (frame.to === undefined) this.notice.show(errorText(frame.code, frame.message), true);
        break;
    }
  }

  #peopleChanged(count: number): void {
    this.#online = count;
    this.#reask ??= setTimeout(() => {
      this.#reask = undefined;
      this.askPeople();
    }, PEOPLE_REASK_MS);
  }

  #answered(command: 'list' | 'users'): boolean {
    if (this.#asked !== command) return false;
    this.#asked = undefined;
    return true;
  }
}
