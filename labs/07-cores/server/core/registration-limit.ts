import type { Verdict } from './throttle.ts';

export interface RegistrationLimits {
  /** Registrations one address may make at once, with a full bucket. */
  burst: number;
  /** Then one more each time this many milliseconds pass. */
  everyMs: number;
  /** Addresses remembered at most; the least recently seen are forgotten first. */
  maxAddresses: number;
}

/**
 * 60 at once, then 1 a minute, per address. A class of 40 behind one school router, registering
 * at the same moment, fits with room for a third of them to register twice; the bucket is full
 * again within the hour, for the next class. A script gets 60 accounts, then 1,440 a day.
 */
export const REGISTRATION_LIMITS: RegistrationLimits = { burst: 60, everyMs: 60_000, maxAddresses: 10_000 };

interface Bucket {
  tokens: number;
  /** When `tokens` was last worked out. */
  at: number;
}

/**
 * Limits registrations per address with a token bucket, because each one costs the server a
 * slow hash and a line in `accounts.json`. Time is passed in (milliseconds), so tests need no
 * clock.
 *
 * `take` before hashing, so a refused request costs nothing; `giveBack` when the registration
 * was refused without hashing (400, 409). An address with a full bucket is not remembered: a
 * refused request adds nothing to memory, and full buckets are the first forgotten.
 */
export class RegistrationLimit {
  /** Address → its bucket; the map is ordered by latest use. */
  #buckets = new Map<string, Bucket>();

  constructor(private readonly limits: RegistrationLimits = REGISTRATION_LIMITS) {}

  /** Takes a registration from this address's bucket, or says how long to wait for one. */
  take(address: string, now: number): Verdict {
    const tokens = this.#tokens(address, now);
    if (tokens < 1) return { ok: false, retryAfterSeconds: Math.ceil(((1 - tokens) * this.limits.everyMs) / 1000) };
    this.#set(address, tokens - 1, now);
    this.#prune(now);
    return { ok: true };
  }

  /** Puts back a registration that was taken but cost no hash. */
  giveBack(address: string, now: number): void {
    if (this.#buckets.has(address)) this.#set(address, Math.min(this.limits.burst, this.#tokens(address, now) + 1), now);
  }

  /** How many addresses are remembered now. */
  get size(): number {
    return this.#buckets.size;
  }

  #tokens(address: string, now: number): number {
    const bucket = this.#buckets.get(address);
    return bucket ? this.#refilled(bucket, now) : this.limits.burst;
  }

  #refilled({ tokens, at }: Bucket, now: number): number {
    return Math.min(this.limits.burst, tokens + Math.max(0, now - at) / this.limits.everyMs);
  }

  #set(address: string, tokens: number, now: number): void {
    this.#buckets.delete(address);
    this.#buckets.set(address, { tokens, at: now });
  }

  #prune(now: number): void {
    for (const [address, bucket] of this.#buckets) {
      const full = this.#refilled(bucket, now) >= this.limits.burst;
      if (!full && this.#buckets.size <= this.limits.maxAddresses) return;
      this.#buckets.delete(address);
    }
  }
}
