import { loginKey } from './accounts.ts';
import type { Verdict } from './throttle.ts';

export interface LogInLimits {
  /** Log-ins with the right password allowed for one login within the window. */
  perLogin: number;
  /** Log-in attempts allowed from one address within the window, right or wrong. */
  perAddress: number;
  windowMs: number;
  /** Logins and addresses remembered at most; the least recently seen are forgotten first. */
  maxKeys: number;
}

/**
 * 10 log-ins per login and 60 attempts per address in 15 minutes. Nobody logs in ten times in a
 * quarter of an hour (a session lasts 12 hours), and a class of 40 behind one school router logs
 * in once each, with room for typos; but each attempt costs the server a slow hash, and each
 * log-in a session.
 */
export const LOG_IN_LIMITS: LogInLimits = { perLogin: 10, perAddress: 60, windowMs: 15 * 60_000, maxKeys: 10_000 };

/**
 * Limits log-ins whatever their outcome, over a sliding window, where {@link Throttle} limits
 * failures only: someone who knows their own password could otherwise log in without end, each
 * time costing a hash and a session. Time is passed in (milliseconds), so tests need no clock.
 *
 * `take` before checking the password; `giveBack` when the password was wrong, since a failure
 * is not a log-in of that login (the address keeps it: the hash was paid). Only a right password
 * counts for a login, so nobody else's wrong guesses can use up your log-ins.
 */
export class LogInLimit {
  /** Key → times of its last attempts, oldest first; the map is ordered by latest attempt. */
  #attempts = new Map<string, number[]>();

  constructor(private readonly limits: LogInLimits = LOG_IN_LIMITS) {}

  /** Counts a log-in of `login` from `address`, or says how long to wait when either is used up. */
  take(login: string, address: string, now: number): Verdict {
    const wait = Math.max(this.#wait(byLogin(login), this.limits.perLogin, now), this.#wait(byAddress(address), this.limits.perAddress, now));
    if (wait > 0) return { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) };
    this.#record(byLogin(login), this.limits.perLogin, now);
    this.#record(byAddress(address), this.limits.perAddress, now);
    this.#prune(now);
    return { ok: true };
  }

  /** The password was wrong: takes back the login's last log-in. */
  giveBack(login: string): void {
    this.#attempts.get(byLogin(login))?.pop();
  }

  /** How many logins and addresses are remembered now. */
  get size(): number {
    return this.#attempts.size;
  }

  #wait(key: string, limit: number, now: number): number {
    const times = this.#attempts.get(key) ?? [];
    if (times.length < limit) return 0;
    return times[times.length - limit]! + this.limits.windowMs - now;
  }

  #record(key: string, limit: number, now: number): void {
    const times = this.#attempts.get(key) ?? [];
    times.push(now);
    if (times.length > limit) times.shift();
    this.#attempts.delete(key);
    this.#attempts.set(key, times);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#attempts) {
      const expired = (times.at(-1) ?? 0) <= now - this.limits.windowMs;
      if (!expired && this.#attempts.size <= this.limits.maxKeys) return;
      this.#attempts.delete(key);
    }
  }
}

function byLogin(login: string): string {
  return `login:${loginKey(login)}`;
}

function byAddress(address: string): string {
  return `address:${address}`;
}
