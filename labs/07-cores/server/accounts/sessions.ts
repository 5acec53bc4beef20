import { randomBytes } from 'node:crypto';

/** The cookie that carries a session's token. */
export const SESSION_COOKIE = 'chat_session';

export interface SessionOptions {
  /** How long a session lasts after logging in: 12 hours, a long day of class. */
  ttlSeconds?: number;
  /** Sessions kept at most; the oldest are ended first. */
  max?: number;
  /** Sessions one login may hold at once; a new log-in past it ends that login's oldest, nobody else's. */
  maxPerLogin?: number;
  now?: () => number;
  /** Called with the session's token when it is logged out, so the connections opened with it can be closed too. */
  onLogout?: (token: string) => void;
}

/**
 * Who is logged in: a random token per log-in, which the browser sends back in a cookie.
 *
 * Sessions live in memory only, so restarting the server logs everybody out and they log in
 * again; nothing a stolen copy of the data folder holds can be replayed as a session.
 */
export class Sessions {
  /** Token → login and end time, oldest first. */
  #sessions = new Map<string, { login: string; expires: number }>();
  readonly ttlSeconds: number;
  readonly #max: number;
  readonly #maxPerLogin: number;
  readonly #now: () => number;
  readonly #onLogout: (token: string) => void;

  constructor({ ttlSeconds = 12 * 60 * 60, max = 10_000, maxPerLogin = 10, now = Date.now, onLogout = () => undefined }: SessionOptions = {}) {
    this.ttlSeconds = ttlSeconds;
    this.#max = max;
    this.#maxPerLogin = maxPerLogin;
    this.#now = now;
    this.#onLogout = onLogout;
  }

  /**
   * Starts a session for `login`; returns its token (32 random bytes, base64url). Past
   * `maxPerLogin`, the login's own oldest session ends: logging in again and again can never
   * push anybody else's session out.
   */
  create(login: string): string {
    const mine = [...this.#sessions].filter(([, session]) => session.login === login);
    for (const [token] of mine.slice(0, Math.max(0, mine.length - this.#maxPerLogin + 1))) this.#sessions.delete(token);
    const token = randomBytes(32).toString('base64url');
    this.#sessions.set(token, { login, expires: this.#now() + this.ttlSeconds * 1000 });
    this.#prune();
    return token;
  }

  /** The login whose session this token is, or undefined for none, an ended or an unknown one. */
  loginFor(token: string | undefined): string | undefined {
    const session = token === undefined ? undefined : this.#sessions.get(token);
    return session && session.expires > this.#now() ? session.login : undefined;
  }

  /** Ends the session (logging out) and calls `onLogout` with its token; an unknown token is ignored. */
  revoke(token: string | undefined): void {
    if (token === undefined || !this.#sessions.delete(token)) return;
    this.#onLogout(token);
  }

  #prune(): void {
    for (const [token, { expires }] of this.#sessions) {
      if (expires > this.#now() && this.#sessions.size <= this.#max) return;
      this.#sessions.delete(token);
    }
  }
}

/**
 * The value of cookie `name` in a raw `Cookie` request header (`a=1; chat_session=…`), as the
 * WebSocket upgrade sees it. Session tokens are base64url, so values are not decoded.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const equals = pair.indexOf('=');
    if (equals > 0 && pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}
