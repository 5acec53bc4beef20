import { EventEmitter } from 'node:events';
import type { ErrorCode } from '../../shared/protocol.ts';
import { loginKey } from '../core/accounts.ts';
import { Chat, type Effects, type Person } from '../core/chat.ts';
import { logLine } from '../core/log-format.ts';
import type { LogFile } from '../log-file.ts';
import type { ChatStep, Link, ToWorker } from './ipc.ts';

/** Room lists changed within this window are sent once, not once per change. */
const ROOMS_BATCH_MS = 50;

/** …and a crowd waits longer, so that room lists never cost more than this many frames a second in all. */
const ROOMS_FRAMES_PER_SECOND = 10_000;

/** One worker as the primary sees it: the channel to it, and its number. */
export interface WorkerLink extends Link<ToWorker> {
  readonly id: number;
}

/** A connection as the primary knows it: the worker that holds its socket, and its number there. It is the chat's `Conn`. */
export interface Remote {
  readonly worker: WorkerLink;
  readonly id: number;
  readonly login: string;
  readonly transport: 'websocket' | 'tcp';
  readonly session?: string;
}

export interface SequencerOptions {
  gate: number;
  directory: () => Person[];
  /** This run's log: only the primary writes it. */
  log: LogFile;
  now: () => Date;
}

interface SequencerEvents {
  'log-error': [error: Error];
}

/**
 * The one place where the chat runs: every worker's steps come here, in the order each worker
 * sent them, and the pure {@link Chat} numbers each room's entries in the order they arrive. Each
 * step's effects go back to each worker concerned as one message, with that worker's connections
 * only; entries go to the log. As a worker's channel delivers in order, every client on every
 * worker sees each room's entries in the same order, the log's.
 */
export class Sequencer extends EventEmitter<SequencerEvents> {
  readonly #chat: Chat<Remote>;
  readonly #workers = new Map<WorkerLink, Map<number, Remote>>();
  /** Who is connected, by login key: a refused signal's sender is found here. */
  readonly #byLogin = new Map<string, Remote>();
  #roomsTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly options: SequencerOptions) {
    super();
    this.#chat = new Chat<Remote>({ gate: options.gate, directory: options.directory });
  }

  /** A new worker: it gets room lists and logouts from now on. */
  add(worker: WorkerLink): void {
    this.#workers.set(worker, new Map());
  }

  /** A step from one of `worker`'s connections. */
  step(worker: WorkerLink, step: ChatStep): void {
    const conns = this.#workers.get(worker);
    if (!conns || this.#closing) return;
    const time = this.options.now().getTime();
    if (step.type === 'connect') {
      const remote: Remote = { worker, id: step.conn, login: step.login, transport: step.transport, session: step.session };
      conns.set(step.conn, remote);
      this.#byLogin.set(loginKey(step.login), remote);
      return this.#apply(this.#chat.connect(remote, step.login, time, step.resume));
    }
    const remote = conns.get(step.conn);
    if (!remote) return;
    switch (step.type) {
      case 'say':
        return this.#apply(this.#chat.say(remote, step.text, time));
      case 'command':
        return this.#apply(this.#chat.command(remote, step.command, time));
      case 'signal':
        return this.#signal(remote, this.#chat.signal(remote, step.to, step.data, time));
      case 'disconnect':
        this.#forget(remote);
        return this.#apply(this.#chat.disconnect(remote, time));
      case 'busy': {
        const sender = this.#byLogin.get(loginKey(step.from));
        if (sender) this.#refuse(sender, 'peer-busy', `${remote.login} is not keeping up with what they receive: try again in a moment.`);
        return;
      }
      case 'echo':
        return worker.send({ type: 'effects', send: [{ to: [remote.id], frame: step.frame }], close: [] });
    }
  }

  /** `worker` is gone (it crashed, or was killed): its people leave, and the others see them go. */
  drop(worker: WorkerLink): void {
    const conns = this.#workers.get(worker);
    this.#workers.delete(worker);
    if (!conns || this.#closing) return;
    const time = this.options.now().getTime();
    for (const remote of conns.values()) {
      this.#forget(remote);
      this.#apply(this.#chat.disconnect(remote, time));
    }
  }

  #forget(remote: Remote): void {
    this.#workers.get(remote.worker)?.delete(remote.id);
    if (this.#byLogin.get(loginKey(remote.login)) === remote) this.#byLogin.delete(loginKey(remote.login));
  }

  /** Closes, on whichever worker holds them, the connections opened with this session. */
  logout(session: string): void {
    for (const worker of this.#workers.keys()) worker.send({ type: 'logout', session });
  }

  /** Stops taking steps, and resolves once the log is written and closed. */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#roomsTimer);
    await this.options.log.close();
  }

  /** Signaling goes from browser to browser: someone on a terminal has no WebRTC to answer with. */
  #signal(from: Remote, fx: Effects<Remote>): void {
    const peer = fx.send[0]?.frame.type === 'signal' ? fx.send[0].to[0] : undefined;
    if (peer?.transport === 'tcp') {
      return this.#refuse(from, 'terminal-user', `${peer.login} is on a terminal: private messages need both of you in a browser.`);
    }
    this.#apply(fx);
  }

  #refuse(to: Remote, code: ErrorCode, message: string): void {
    to.worker.send({ type: 'effects', send: [{ to: [to.id], frame: { type: 'error', code, message } }], close: [] });
  }

  /** Splits `fx` by worker: each gets one message with its part, every frame once. */
  #apply({ send, log, close, roomsChanged }: Effects<Remote>): void {
    const parts = new Map<WorkerLink, Extract<ToWorker, { type: 'effects' }>>();
    const part = (worker: WorkerLink) => parts.get(worker) ?? parts.set(worker, { type: 'effects', send: [], close: [] }).get(worker)!;
    for (const { to, frame } of send) {
      const ids = new Map<WorkerLink, number[]>();
      for (const remote of to) ids.get(remote.worker)?.push(remote.id) ?? ids.set(remote.worker, [remote.id]);
      for (const [worker, to] of ids) part(worker).send.push({ to, frame });
    }
    for (const { conn, code, reason } of close) part(conn.worker).close.push({ conn: conn.id, code, reason });
    for (const [worker, message] of parts) worker.send(message);
    for (const entry of log) this.options.log.append(logLine(entry)).catch((error: Error) => this.emit('log-error', error));
    if (roomsChanged) this.#roomsTimer ??= setTimeout(() => this.#sendRooms(), this.#roomsBatchMs());
  }

  #connections(): number {
    let count = 0;
    for (const conns of this.#workers.values()) count += conns.size;
    return count;
  }

  /** 50 ms, or longer for more than 500 people: 5000 people get a room list every 500 ms. */
  #roomsBatchMs(): number {
    return Math.max(ROOMS_BATCH_MS, (this.#connections() / ROOMS_FRAMES_PER_SECOND) * 1000);
  }

  #sendRooms(): void {
    this.#roomsTimer = undefined;
    const frame = { type: 'rooms', rooms: this.#chat.rooms() } as const;
    for (const [worker, conns] of this.#workers) {
      if (conns.size > 0) worker.send({ type: 'effects', send: [{ to: [...conns.keys()], frame }], close: [] });
    }
  }
}
