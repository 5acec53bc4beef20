import type { Command, ServerFrame, SignalData } from '../../shared/protocol.ts';
import type { Effects, Resume } from '../core/chat.ts';
import type { ChatPort, Client } from '../realtime/hub.ts';
import type { ChatStep, Link, ToPrimary, ToWorker } from './ipc.ts';

/** A chat step without its connection's number, which {@link RemoteChat} adds. */
type WithoutConn<Step> = Step extends unknown ? Omit<Step, 'conn'> : never;

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
    this.#step(client, { type: 'say', text });
  }

  command(client: Client, command: Command): void {
    this.#step(client, { type: 'command', command });
  }

  signal(client: Client, to: string, data: SignalData): void {
    this.#step(client, { type: 'signal', to, data });
  }

  disconnect(client: Client): void {
    if (!this.#step(client, { type: 'disconnect' })) return;
    this.#clients.delete(this.#ids.get(client)!);
    this.#ids.delete(client);
  }

  busy(peer: Client, from: string): void {
    this.#step(peer, { type: 'busy', from });
  }

  answer(client: Client, frame: ServerFrame): boolean {
    return this.#step(client, { type: 'echo', frame });
  }

  /** Sends `client`'s step to the primary under its number; false if the client is not (or no longer) connected. */
  #step(client: Client, step: WithoutConn<ChatStep>): boolean {
    const conn = this.#ids.get(client);
    if (conn === undefined) return false;
    this.primary.send({ ...step, conn } as ChatStep);
    return true;
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
