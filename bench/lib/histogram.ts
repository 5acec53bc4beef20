/** Each bucket is 2% wider than the one before, so a percentile is right to within 2%. */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** 1000 buckets reach 1.02^1000 µs, far beyond any run (about 11 years). */
const BUCKETS = 1000;

/**
 * Latencies in microseconds, counted in buckets whose width grows with the value, so a million
 * samples cost the same few kilobytes as ten. The maximum is kept exactly.
 */
export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;
  #sum = 0;

  record(micros: number): void {
    const value = Math.max(1, micros);
    const bucket = Math.min(BUCKETS - 1, Math.floor(Math.log(value) / LOG_GROWTH));
    this.#counts[bucket]!++;
    this.count++;
    this.#sum += value;
    if (value > this.max) this.max = value;
  }

  /** The value under which `p` percent of the samples fall (the upper edge of its bucket), in µs. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket]!;
      if (seen >= rank) return Math.min(this.max, GROWTH ** (bucket + 1));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? Number.NaN : this.#sum / this.count;
  }

  /** p50, p95, p99 and max, in milliseconds. */
  summary(): { p50: number; p95: number; p99: number; max: number } {
    const ms = (micros: number) => micros / 1000;
    return { p50: ms(this.percentile(50)), p95: ms(this.percentile(95)), p99: ms(this.percentile(99)), max: ms(this.max) };
  }
}
