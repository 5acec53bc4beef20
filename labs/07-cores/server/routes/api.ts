import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { logIn as checkLogIn, tryAgainIn } from '../accounts/log-in.ts';
import { SESSION_COOKIE, type Sessions } from '../accounts/sessions.ts';
import type { AccountStore } from '../accounts/store.ts';
import { LogInLimit } from '../core/log-in-limit.ts';
import type { RegistrationLimit } from '../core/registration-limit.ts';
import type { Throttle, Verdict } from '../core/throttle.ts';
import { checkHost } from '../realtime/host-check.ts';

/** A request body larger than this is refused with 413: a registration form is well under 1 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface ApiDeps {
  accounts: AccountStore;
  sessions: Sessions;
  throttle: Throttle;
  /** Registrations per address: each one costs a slow hash. */
  registrations: RegistrationLimit;
  /** Log-ins, right or wrong, per login and per address; a fresh {@link LogInLimit} if not given. */
  logIns?: LogInLimit;
  /** The time in milliseconds, for the throttle and the limits. */
  now: () => number;
}

/**
 * The accounts API, mounted at `/api`: `POST /register`, `POST /login`, `POST /logout` and
 * `GET /me`. Requests and answers are JSON; every POST must say `Content-Type: application/json`,
 * which no other site's form can send, and the session cookie is `SameSite=Strict`, which no
 * other site's request carries. Every request must name this server in its `Host` (see
 * {@link ownHostOnly}).
 */
export function apiRoutes({ accounts, sessions, throttle, registrations, logIns = new LogInLimit(), now }: ApiDeps): Hono {
  const cookie: CookieOptions = { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: sessions.ttlSeconds };

  async function register(c: Context) {
    const body = await readObject(c);
    if (!body) return notAnObject(c);
    const address = clientAddress(c);
    const verdict = registrations.take(address, now());
    if (!verdict.ok) return tooMany(c, verdict, 'Too many registrations from your address');
    const result = await accounts.register(body);
    if (!result.ok) {
      registrations.giveBack(address, now());
      return c.json({ errors: result.errors, codes: result.codes }, result.status);
    }
    return c.json({ account: result.account }, 201);
  }

  async function logIn(c: Context) {
    const body = await readObject(c);
    if (!body) return notAnObject(c);
    const { login, password } = body;
    if (typeof login !== 'string' || typeof password !== 'string') {
      return c.json({ error: 'Send your login and password: {"login": "…", "password": "…"}.' }, 400);
    }
    const result = await checkLogIn({ accounts, throttle, logIns, now }, login, password, clientAddress(c));
    if (!result.ok) {
      if (result.status === 401) return c.json({ error: result.error, code: 'wrong-login' }, 401);
      c.header('Retry-After', String(result.retryAfterSeconds));
      return c.json({ error: result.error, code: 'too-many', minutes: Math.ceil(result.retryAfterSeconds / 60) }, 429);
    }
    setCookie(c, SESSION_COOKIE, sessions.create(result.account.login), cookie);
    return c.json({ account: result.account });
  }

  function logOut(c: Context) {
    sessions.revoke(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, cookie);
    return c.body(null, 204);
  }

  /** Who is logged in; `{ account: null }` for nobody: a page asks this on every load, and a visitor is no error. */
  function showMe(c: Context) {
    const login = sessions.loginFor(getCookie(c, SESSION_COOKIE));
    const account = login === undefined ? undefined : accounts.get(login);
    return c.json({ account: account ?? null });
  }

  return new Hono()
    .use(ownHostOnly, jsonOnly, bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }))
    .post('/register', register)
    .post('/login', logIn)
    .post('/logout', logOut)
    .get('/me', showMe)
    .onError(serverError);
}

/**
 * Refuses with 403 a request whose `Host` is not a name of this server: a page whose DNS name was
 * re-pointed to this server (DNS rebinding) could otherwise call the API, e.g. register accounts.
 */
async function ownHostOnly(c: Context, next: Next) {
  const host = checkHost(c.req.header('host') ?? new URL(c.req.url).host);
  if (!host.ok) return c.json({ error: host.reason }, 403);
  await next();
}

/** Refuses a POST that is not JSON with 415 (a form, or a text/plain body). */
async function jsonOnly(c: Context, next: Next) {
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'POST' && type.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
    return c.json({ error: 'Send JSON, with Content-Type: application/json.' }, 415);
  }
  await next();
}

/** 429 with `Retry-After`, and the wait in minutes in the sentence and beside it (code `too-many`). */
function tooMany(c: Context, { retryAfterSeconds }: Verdict & { ok: false }, what: string) {
  c.header('Retry-After', String(retryAfterSeconds));
  return c.json({ error: `${what}: ${tryAgainIn(retryAfterSeconds)}.`, code: 'too-many', minutes: Math.ceil(retryAfterSeconds / 60) }, 429);
}

function tooLarge(c: Context) {
  return c.json({ error: `The request is larger than ${MAX_BODY_BYTES / 1024} KiB.` }, 413);
}

async function readObject(c: Context): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await c.req.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function notAnObject(c: Context) {
  return c.json({ error: 'The body must be a JSON object, such as {"login": "…", "password": "…"}.' }, 400);
}

/** The caller's IP address; "unknown" when there is no socket (as in `app.request` tests). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function serverError(error: Error, c: Context) {
  console.error(error);
  return c.json({ error: 'Something went wrong on the server: try again.' }, 500);
}
