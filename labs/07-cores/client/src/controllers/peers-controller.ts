import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { msg } from '@lit/localize';
import type { ServerFrame } from '../../../shared/protocol.ts';
import { errorText } from '../i18n/texts.ts';
import { api } from '../lib/api.ts';
import { Peers, rtcConfiguration, type PeerEvents } from '../lib/peers.ts';
import type { ClockController } from './clock-controller.ts';
import type { ConnectionController, ConnectionListener } from './connection-controller.ts';
import type { NoticeController } from './notice-controller.ts';

/** One line of a private conversation, as the tab shows it. */
export interface PrivateLine {
  from: string;
  time: number;
  text: string;
}

/**
 * The private conversations, straight between two browsers over WebRTC (`lib/peers.ts`): only the
 * signaling goes through the connection, never a private text. Keeps each conversation's lines
 * and the state of each direct link; closes every link when the host is removed (logged out).
 */
export class PeersController implements ReactiveController, ConnectionListener {
  /** Peer's login → the conversation, in the order the tab opened them. */
  readonly privates = new Map<string, PrivateLine[]>();
  /** Peer's login in lower case → the direct link's state. */
  readonly links = new Map<string, 'connecting' | 'open' | 'closed'>();
  #peers: Promise<Peers> | undefined;

  /** `me()` is the logged-in person's login, read when the first link is made. */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly me: () => string,
    private readonly connection: ConnectionController,
    private readonly clock: ClockController,
    private readonly notice: NoticeController,
  ) {
    host.addController(this);
    connection.listen(this);
  }

  hostDisconnected(): void {
    void this.#peers?.then((peers) => peers.close());
  }

  received(frame: ServerFrame): void {
    if (frame.type === 'signal') void this.#direct().then((peers) => peers.receiveSignal(frame.from, frame.data));
    if (frame.type === 'error' && frame.to !== undefined) void this.#peers?.then((peers) => this.#refused(peers, frame.to!, errorText(frame.code, frame.message, frame.to)));
  }

  /** Shows the conversation with `peer` (a login as registered), empty at first. */
  open(peer: string): void {
    if (!this.privates.has(peer)) this.privates.set(peer, []);
    this.host.requestUpdate();
  }

  /** Opens (or reuses) the direct link to `to` and sends `text` over it. Never through the server. */
  async send(to: string, text: string): Promise<void> {
    if (to.toLowerCase() === this.me().toLowerCase()) return this.notice.show(msg('That is you: pick someone else for a private message.', { id: 'private.that-is-you' }), true);
    this.open(to);
    try {
      const { time } = await (await this.#direct()).send(to, text, this.clock.now());
      this.#add(to, { from: this.me(), time, text });
    } catch (error) {
      this.notice.show((error as Error).message, true);
    }
  }

  /** The direct links, made on first use (the login is known by then), with the lab's STUN server. */
  #direct(): Promise<Peers> {
    this.#peers ??= api
      .rtc()
      .catch(() => ({ stunPort: null }))
      .then((rtc) => new Peers(this.me(), rtcConfiguration(rtc, location.hostname), this.#events()));
    return this.#peers;
  }

  #events(): PeerEvents {
    return {
      signal: (to, data) => this.connection.send({ type: 'signal', to, data }),
      message: (from, { time, text }) => this.#add(from, { from, time, text }),
      now: () => this.clock.now(),
      state: (peer, state) => {
        this.links.set(peer.toLowerCase(), state);
        this.host.requestUpdate();
      },
    };
  }

  /** The server will not relay to `peer`: the link still opening closes now, and so does an empty conversation with them. */
  #refused(peers: Peers, peer: string, why: string): void {
    if (!peers.refused(peer, `${why} ${msg('The message was not sent.', { id: 'private.not-sent' })}`)) return;
    const shown = [...this.privates.keys()].find((login) => login.toLowerCase() === peer.toLowerCase());
    if (shown !== undefined && this.privates.get(shown)!.length === 0) this.privates.delete(shown);
    this.host.requestUpdate();
  }

  #add(peer: string, line: PrivateLine): void {
    this.privates.set(peer, [...(this.privates.get(peer) ?? []), line]);
    this.host.requestUpdate();
  }
}
