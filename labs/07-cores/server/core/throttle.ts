import { loginKey } from './accounts.ts';

export interface ThrottleLimits {
  /** Failed attempts allowed for one login within the window. */
  perLogin: number;
  /** Failed attempts allowed from one address within the window, whatever the logins. */
  perAddress: number;
  windowMs: number;
  /** Logins and addresses remembered at most; the least recently failed are forgotten first. */
  maxKeys: number;
}

/**
 * 5 failures per login and 20 per address in 15 minutes: a person who mistypes is not slowed
 * down, and a guesser gets 480 guesses a day at one login instead of a million.
 */
export const DEFAULT_LIMITS: ThrottleLimits = { perLogin: 5, perAddress: 20, windowMs: 15 * 60_000, maxKeys: 10_000 };

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Limits failed log-in attempts per login and per address, over a sliding window. Time is
 * passed in (milliseconds), so tests need no clock.
 *
 * Count an attempt as failed before checking its password (`fail`), and take it back with
 * `succeed` when the password was right: a burst of parallel guesses would otherwise all pass
 * `check` while the first ones are still being hashed. Logins are remembered as given, so pass
 * only well-formed ones (see `LOGIN_PATTERN`).
 */
export class Throttle {
  /** Key → times of its last failures, oldest first; the map is ordered by latest failure. */
  #failures = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_LIMITS) {}

  /** May this login be tried from this address now? If not, says how long to wait. */
  check(login: string, address: string, now: number): Verdict {
    const wait = Math.max(
      this.#wait(byLogin(login), this.limits.perLogin, now),
      this.#wait(byAddress(address), this.limits.perAddress, now),
    );
    return wait > 0 ? { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { ok: true };
  }

  /** Records a failed attempt (or one not checked yet) for the login and the address. */
  fail(login: string, address: string, now: number): void {
    this.#record(byLogin(login), this.limits.perLogin, now);
    this.#record(byAddress(address), this.limits.perAddress, now);
    this.#prune(now);
  }

  /** The password was right: forgets the login's failures and takes back the address's last one. */
  succeed(login: string, address: string): void {
    this.#failures.delete(byLogin(login));
    this.#failures.get(byAddress(address))?.pop();
  }

  /** How many logins and addresses are remembered now. */
  get size(): number {
    return this.#failures.size;
  }

  #wait(key: string, limit: number, now: number): number {
    const times = this.#failures.get(key) ?? [];
    if (times.length < limit) return 0;
    return times[times.length - limit]! + this.limits.windowMs - now;
  }

  #record(key: string, limit: number, now: number): void {
    const times = this.#failures.get(key) ?? [];
    times.push(now);
    if (times.length > limit) times.shift();
    this.#failures.delete(key);
    this.#failures.set(key, times);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#failures) {
      const expired = (times.at(-1) ?? 0) <= now - this.limits.windowMs;
      if (!expired && this.#failures.size <= this.limits.maxKeys) return;
      this.#failures.delete(key);
    }
  }
}

function byLogin(login: string): string {
  return `login:${loginKey(login)}`;
}

function byAddress(address: string): string {
  return `address:${address}`;
}
