import { serveStatic } from '@hono/node-server/serve-static';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DIST_DIR } from '../client-build.ts';
import { MAX_BODY_BYTES } from '../routes/api.ts';
import { notFound } from '../routes/not-found.ts';
import type { Caller } from './rpc.ts';

export interface WorkerAppOptions {
  /** Said in the `X-Worker` header of every answer: `2 (pid 4242)`. */
  worker: string;
  /** Asks the primary. */
  caller: Caller;
}

/**
 * A worker's Hono app: the web client's files, served here, and the accounts API (`/api`), passed
 * on to the primary, where the one account store and the sessions live (see `primary.ts`). Every
 * answer says which worker gave it, in `X-Worker`.
 */
export function createWorkerApp({ worker, caller }: WorkerAppOptions): Hono {
  const app = new Hono();
  app.use(sayWorker(worker));
  app.all('/api/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }), forwardTo(caller));
  app.use('/*', serveStatic({ root: DIST_DIR }));
  app.notFound(notFound);
  return app;
}

function sayWorker(worker: string) {
  return async function (c: Context, next: Next) {
    await next();
    c.header('X-Worker', worker);
  };
}

/** Sends the request to the primary's app, and its answer back. */
function forwardTo(caller: Caller) {
  return async function forward(c: Context) {
    const { method, url } = c.req;
    const body = method === 'GET' || method === 'HEAD' ? '' : await c.req.text();
    const answer = await caller.call('fetch', { method, url, headers: [...c.req.raw.headers], body, address: clientAddress(c) });
    return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
}

function tooLarge(c: Context) {
  return c.json({ error: `The request is larger than ${MAX_BODY_BYTES / 1024} KiB.` }, 413);
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
