/**
 * A token bucket: up to `burst` frames at once, then `perSecond` on average. Time is passed in,
 * so tests need no clock.
 */
export class RateLimit {
  #tokens: number;
  #last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token if there is one: true means go ahead. */
  take(now: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled by `now`: it is then no different from a new one. */
  full(now: number): boolean {
    return this.#tokens + ((now - this.#last) / 1000) * this.perSecond >= this.burst;
  }
}

/** How many buckets {@link RateLimits} keeps before it looks for full ones to forget. */
const FORGET_FROM = 1000;

/**
 * One {@link RateLimit} per person, whatever their connections: closing a connection and opening
 * another finds the same bucket, not a full new one. A full bucket is the same as a new one, so
 * full buckets are forgotten (when the map has grown) and only people who sent lately keep one.
 */
export class RateLimits {
  readonly #buckets = new Map<string, RateLimit>();
  #forgetAt = FORGET_FROM;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {}

  /** Takes one of `person`'s tokens if there is one: true means go ahead. */
  take(person: string, now: number): boolean {
    return this.bucket(person, now).take(now);
  }

  /** `person`'s bucket: the one they left, or a full new one. */
  bucket(person: string, now: number): RateLimit {
    let bucket = this.#buckets.get(person);
    if (!bucket) {
      if (this.#buckets.size >= this.#forgetAt) this.#forgetFull(now);
      bucket = new RateLimit(this.perSecond, this.burst, now);
      this.#buckets.set(person, bucket);
    }
    return bucket;
  }

  /** How many people have a bucket. */
  get size(): number {
    return this.#buckets.size;
  }

  #forgetFull(now: number): void {
    for (const [person, bucket] of this.#buckets) if (bucket.full(now)) this.#buckets.delete(person);
    this.#forgetAt = Math.max(FORGET_FROM, 2 * this.#buckets.size);
  }
}
