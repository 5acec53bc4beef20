import { msg, str } from '@lit/localize';
import type { SignalData } from '../../../shared/protocol.ts';
import type { RtcSettings } from '../../../shared/rtc.ts';
import { PrivateSequencer, parsePrivateMessage, type PrivateMessage } from './private-seq.ts';

/** What the peers need from the rest of the page. */
export interface PeerEvents {
  /** Sends signaling to `to` through the server (it only relays it). */
  signal(to: string, data: SignalData): void;
  /** A private message from `from`, in order, with the time it was received. */
  message(from: string, message: PrivateMessage): void;
  /** The time now, as shown: this tab's estimate of server time. */
  now(): number;
  /** The direct link to `peer` opened or closed. */
  state(peer: string, state: 'connecting' | 'open' | 'closed'): void;
}

/** How long a first message waits for the link to open before it gives up (never through the server). */
const OPEN_TIMEOUT_MS = 5000;

/**
 * The lab's STUN server, at the host this page came from, where each browser learns its own LAN
 * address. No TURN: the server never carries a private message.
 */
export function rtcConfiguration({ stunPort }: RtcSettings, hostname: string): RTCConfiguration {
  return { iceServers: stunPort === null ? [] : [{ urls: `stun:${hostname}:${stunPort}` }] };
}

/**
 * Private messages straight from this browser to another: one RTCPeerConnection per peer, with
 * one ordered, reliable data channel, opened on first use and then reused. The server only
 * relays the signaling (offer, answer, ICE candidates); it never sees a private text.
 */
export class Peers {
  readonly #links = new Map<string, Link>();

  constructor(
    private readonly me: string,
    private readonly rtc: RTCConfiguration,
    private readonly events: PeerEvents,
  ) {}

  /**
   * Sends `text` to `to` over the direct link, opening it first if needed. Rejects with a clear
   * error when the link cannot open in time: the text is then not sent at all.
   */
  async send(to: string, text: string, time: number): Promise<PrivateMessage> {
    const link = this.#link(to);
    await link.ready(OPEN_TIMEOUT_MS);
    const message = link.out.next(text, time);
    link.channel.send(JSON.stringify(message));
    return message;
  }

  /** Signaling that the server relayed from `from`. */
  receiveSignal(from: string, data: SignalData): void {
    this.#link(from).receive(data);
  }

  /**
   * The server would not relay our signaling to `peer` (not online, or nobody by that name): a link
   * still opening closes at once, and the message waiting for it fails with `reason`. Returns
   * whether a link closed. An open link stays: it no longer needs the server.
   */
  refused(peer: string, reason: string): boolean {
    const link = this.#links.get(peer.toLowerCase());
    if (!link || link.channel.readyState === 'open') return false;
    link.refuse(new Error(reason));
    return true;
  }

  /** Closes every link (when the person logs out). */
  close(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }

  #link(peer: string): Link {
    const key = peer.toLowerCase();
    let link = this.#links.get(key);
    if (!link) {
      link = new Link(peer, this.me.toLowerCase() < key, this.events, this.rtc, () => this.#links.delete(key));
      this.#links.set(key, link);
    }
    return link;
  }
}

/**
 * The link to one peer, set up with "perfect negotiation": either side may start, and when both
 * start at once the polite one (the smaller login) gives way. The data channel is negotiated
 * (id 0 on both sides), so there is exactly one, whoever starts.
 */
class Link {
  readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  readonly out = new PrivateSequencer();
  readonly #in = new PrivateSequencer();
  #makingOffer = false;
  #ignoreOffer = false;
  #signals: Promise<void> = Promise.resolve();
  readonly #open: Promise<void>;
  /**
   * Rejects once gathering ends with no address at all to offer and no way found to the peer (a
   * network with no gateway). The peer's address alone can be enough: Chromium ends gathering when
   * it connects, which can be before the STUN server's answer arrives.
   */
  readonly #unreachable: Promise<never>;
  #candidates = 0;
  /** Rejects when the server refuses to relay to the peer: nobody will ever answer. */
  readonly #refused: Promise<never>;
  #refuse: (error: Error) => void = () => undefined;

  constructor(
    readonly peer: string,
    private readonly polite: boolean,
    private readonly events: PeerEvents,
    rtc: RTCConfiguration,
    private readonly forget: () => void,
  ) {
    this.pc = new RTCPeerConnection(rtc);
    this.channel = this.pc.createDataChannel('private', { negotiated: true, id: 0, ordered: true });
    this.#open = new Promise((resolve) => this.channel.addEventListener('open', () => resolve(), { once: true }));
    this.#open.then(() => events.state(peer, 'open'));
    events.state(peer, 'connecting');
    this.channel.addEventListener('message', ({ data }) => this.#deliver(data));
    this.channel.addEventListener('close', () => this.close());
    this.pc.addEventListener('negotiationneeded', () => this.#offer());
    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate) this.#candidates++;
      events.signal(peer, { kind: 'candidate', candidate: candidate && candidate.toJSON() as { candidate: string } });
    });
    this.#unreachable = new Promise((_, reject) => {
      this.pc.addEventListener('icegatheringstatechange', () => {
        if (this.pc.iceGatheringState !== 'complete' || this.#candidates > 0 || this.pc.iceConnectionState !== 'new') return;
        reject(
          new Error(
            msg(
              str`Your browser found no address to offer ${peer}: this network has no router, and the lab's STUN server did not answer. Ask whoever runs the lab to allow UDP on its port, or join a network with a router (a phone hotspot is one). The message was not sent.`,
              { id: 'private.no-address' },
            ),
          ),
        );
      });
    });
    this.#unreachable.catch(() => undefined);
    this.#refused = new Promise((_, reject) => (this.#refuse = reject));
    this.#refused.catch(() => undefined);
    this.pc.addEventListener('connectionstatechange', () => {
      if (this.pc.connectionState === 'failed' || this.pc.connectionState === 'closed') this.close();
    });
  }

  /**
   * Resolves once the channel is open; rejects, and drops the link, after `timeoutMs`, when there
   * is no address to offer, or when the server refused to relay.
   */
  ready(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout>;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(msg(str`Could not reach ${this.peer} directly within ${timeoutMs / 1000} s (are you both online, on the same network?). The message was not sent.`, { id: 'private.unreachable' }))), timeoutMs);
    });
    return Promise.race([this.#open, this.#unreachable, this.#refused, timeout])
      .catch((error: Error) => {
        this.close();
        throw error;
      })
      .finally(() => clearTimeout(timer));
  }

  /** Takes signaling one message at a time, so a candidate never comes before its description. */
  receive(data: SignalData): void {
    this.#signals = this.#signals.then(() => this.#apply(data)).catch((error: Error) => console.warn(`signaling with ${this.peer}:`, error.message));
  }

  /** The server refused to relay to the peer: closes the link, and a message waiting for it fails with `error`. */
  refuse(error: Error): void {
    this.#refuse(error);
    this.close();
  }

  close(): void {
    if (this.pc.signalingState === 'closed') return;
    this.channel.close();
    this.pc.close();
    this.forget();
    this.events.state(this.peer, 'closed');
  }

  async #offer(): Promise<void> {
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      this.events.signal(this.peer, { kind: 'offer', sdp: this.pc.localDescription!.sdp });
    } finally {
      this.#makingOffer = false;
    }
  }

  async #apply(data: SignalData): Promise<void> {
    if (data.kind === 'candidate') {
      try {
        await this.pc.addIceCandidate(data.candidate ?? undefined);
      } catch (error) {
        if (!this.#ignoreOffer) throw error;
      }
      return;
    }
    const collision = data.kind === 'offer' && (this.#makingOffer || this.pc.signalingState !== 'stable');
    this.#ignoreOffer = !this.polite && collision;
    if (this.#ignoreOffer) return;
    await this.pc.setRemoteDescription({ type: data.kind, sdp: data.sdp });
    if (data.kind === 'offer') {
      await this.pc.setLocalDescription();
      this.events.signal(this.peer, { kind: 'answer', sdp: this.pc.localDescription!.sdp });
    }
  }

  #deliver(data: unknown): void {
    const message = parsePrivateMessage(data);
    if (!message) return;
    for (const ready of this.#in.receive(message, this.events.now())) this.events.message(this.peer, ready);
  }
}
