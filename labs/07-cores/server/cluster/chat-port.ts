import type { Command, ServerFrame, SignalData } from '../../shared/protocol.ts';
import type { Effects, Resume } from '../core/chat.ts';
import type { ChatPort, Client } from '../realtime/hub.ts';
import type { Link, ToPrimary, ToWorker } from './ipc.ts';

/**
 * A worker's {@link ChatPort}: each connection gets a number, and its steps go to the primary
 * with that number. The effects that come back name connections by those numbers; {@link
 * RemoteChat.effects} turns them back into this worker's clients, for `hub.apply`.
 */
export class RemoteChat implements ChatPort {
  #next = 0;
  readonly #ids = new Map<Client, number>();
  readonly #clients = new Map<number, Client>();

  constructor(private readonly primary: Link<ToPrimary>) {}

  connect(client: Client, login: string, _time: number, resume: Resume): void {
    const conn = ++this.#next;
    this.#ids.set(client, conn);
    this.#clients.set(conn, client);
    this.primary.send({ type: 'connect', conn, login, transport: client.transport, session: client.session, resume });
  }

  say(client: Client, text: string): void {
    const conn = this.#ids.get(client);
    if (conn !== undefined) this.primary.send({ type: 'say', conn, text });
  }

  command(client: Client, command: Command): void {
    const conn = this.#ids.get(client);
    if (conn !== undefined) this.primary.send({ type: 'command', conn, command });
  }

  signal(client: Client, to: string, data: SignalData): void {
    const conn = this.#ids.get(client);
    if (conn !== undefined) this.primary.send({ type: 'signal', conn, to, data });
  }

  disconnect(client: Client): void {
    const conn = this.#ids.get(client);
    if (conn === undefined) return;
    this.#ids.delete(client);
    this.#clients.delete(conn);
    this.primary.send({ type: 'disconnect', conn });
  }

  busy(peer: Client, from: string): void {
    const conn = this.#ids.get(peer);
    if (conn !== undefined) this.primary.send({ type: 'busy', conn, from });
  }

  answer(client: Client, frame: ServerFrame): boolean {
    const conn = this.#ids.get(client);
    if (conn !== undefined) this.primary.send({ type: 'echo', conn, frame });
    return conn !== undefined;
  }

  /** The primary's effects for this worker, with clients for numbers; those already gone are left out. */
  effects({ send, close }: Extract<ToWorker, { type: 'effects' }>): Pick<Effects<Client>, 'send' | 'close'> {
    const client = (conn: number) => this.#clients.get(conn) ?? [];
    return {
      send: send.map(({ to, frame }) => ({ to: to.flatMap(client), frame })),
      close: close.flatMap(({ conn, code, reason }) => [client(conn)].flat().map((client) => ({ conn: client, code, reason }))),
    };
  }
}
