import type { Command, ServerFrame, SignalData } from '../../shared/protocol.ts';
import type { Effects, Resume } from '../core/chat.ts';
import type { Call, Reply } from './rpc.ts';

/**
 * What a worker tells the primary: its connections' chat steps, numbered by the worker
 * (`conn`), and its calls (see `rpc.ts`). Each worker's channel is FIFO: the primary reads a
 * worker's messages in the order the worker sent them.
 */
export type ToPrimary =
  | { type: 'ready'; port: number; tcpPort: number }
  | { type: 'failed'; error: string }
  | ChatStep
  | Call;

/** A connection's step in the chat; the primary stamps it with its own clock as it reads it. */
export type ChatStep =
  | { type: 'connect'; conn: number; login: string; transport: 'websocket' | 'tcp'; session?: string; resume: Resume }
  | { type: 'say'; conn: number; text: string }
  | { type: 'command'; conn: number; command: Command }
  | { type: 'signal'; conn: number; to: string; data: SignalData }
  | { type: 'disconnect'; conn: number }
  | { type: 'busy'; conn: number; from: string }
  /** An answer the worker gave itself (a refusal, the time): the primary sends it back in line behind the answers to the steps before it. */
  | { type: 'echo'; conn: number; frame: ServerFrame };

/**
 * What the primary tells a worker: one chat step's effects for this worker's connections only
 * (each frame once, with the list of connections it goes to), a logged-out session whose
 * connections must close, the answer to a call, or "stop".
 */
export type ToWorker =
  | { type: 'effects'; send: Effects<number>['send']; close: Effects<number>['close'] }
  | { type: 'logout'; session: string }
  | { type: 'stop' }
  | Reply;

/** One end of the channel between the primary and one worker: `process.send`, `worker.send`, or a function call in one process. */
export interface Link<Out> {
  send(message: Out): void;
}

/** One end of an {@link inProcess} channel: it sends `Out`, and hands what the other end sends to `onMessage`. */
export type End<Out, In> = Link<Out> & { onMessage?: (message: In) => void };

/**
 * The two ends of a channel in one process (what `startServer` uses, with the primary and its one
 * worker in the same process): each message is delivered after the current one is handled, in
 * order, as over IPC, but without copying it.
 */
export function inProcess(): { worker: End<ToPrimary, ToWorker>; primary: End<ToWorker, ToPrimary> } {
  const worker: End<ToPrimary, ToWorker> = { send: (message) => queueMicrotask(() => primary.onMessage?.(message)) };
  const primary: End<ToWorker, ToPrimary> = { send: (message) => queueMicrotask(() => worker.onMessage?.(message)) };
  return { worker, primary };
}
