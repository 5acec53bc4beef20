import type { LogInResult } from '../accounts/log-in.ts';
import type { Link } from './ipc.ts';

/** An HTTP request or answer as it crosses to the primary: plain data, which IPC can carry. */
export interface WireMessage {
  headers: [string, string][];
  body: string;
}

/**
 * What a worker may ask the primary, and what it answers: the questions only the accounts, the
 * sessions and the log-in limits can answer, which live in the primary alone.
 */
export interface Calls {
  /** Whose session is this (the WebSocket upgrade asks)? */
  loginFor: { args: { session: string | undefined }; result: { login: string | null } };
  /** A terminal's login and password (see `accounts/log-in.ts`). */
  logIn: { args: { login: string; password: string; address: string }; result: LogInResult };
  /** An accounts API request (`/api/…`), answered by the primary's Hono app. */
  fetch: { args: WireMessage & { method: string; url: string; address: string }; result: WireMessage & { status: number } };
}

type Name = keyof Calls;

/** A call from a worker: its id comes back in the {@link Reply}. */
export type Call = { [K in Name]: { type: 'call'; id: number; name: K; args: Calls[K]['args'] } }[Name];

/** The primary's answer to the call with the same id: its result, or why it failed. */
export type Reply = { type: 'reply'; id: number; result: unknown } | { type: 'reply'; id: number; error: string };

/** How the primary answers each call. */
export type Handlers = { [K in Name]: (args: Calls[K]['args']) => Calls[K]['result'] | Promise<Calls[K]['result']> };

/** A worker's side: each call is a promise, settled when the reply with its id arrives. */
export class Caller {
  #next = 0;
  readonly #waiting = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();

  constructor(private readonly link: Link<Call>) {}

  call<K extends Name>(name: K, args: Calls[K]['args']): Promise<Calls[K]['result']> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.link.send({ type: 'call', id, name, args } as Call);
    });
  }

  /** Settles the call `reply` answers. */
  settle(reply: Reply): void {
    const waiting = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply.result as never);
  }
}

/** The primary's side: runs `call` with its handler and sends the reply back to the worker that asked. */
export async function answer(handlers: Handlers, call: Call, link: Link<Reply>): Promise<void> {
  try {
    const handler = handlers[call.name] as (args: Call['args']) => unknown;
    link.send({ type: 'reply', id: call.id, result: await handler(call.args) });
  } catch (error) {
    link.send({ type: 'reply', id: call.id, error: (error as Error).message });
  }
}
