/**
 * Sends benchmark messages through a {@link Crowd} at a set rate and counts what comes back:
 * deliveries, latency, duplicates, and what never arrived.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Histogram } from '../lib/histogram.ts';
import { CpuMeter } from './meter.ts';
import { micros, type Crowd } from './crowd.ts';

/** A delivery counts as on time if it arrives by the end of its step plus this (the p99 budget). */
export const ON_TIME_MS = 250;
/** How often the sending timer wakes up to send what is due. */
const TICK_MS = 5;

/** What one step (a rate held for some seconds) measured. */
export interface StepResult {
  /** Messages a second asked for, and really sent (lower when the load generator fell behind). */
  rate: number;
  sentRate: number;
  sent: number;
  /** Deliveries expected: every message to every client, the sender included. */
  expected: number;
  /** Deliveries that arrived by the end of the step plus {@link ON_TIME_MS}, per second of the step. */
  deliveredPerSecond: number;
  /** Those deliveries over the expected ones. */
  deliveredRatio: number;
  /** End-to-end latency of every delivery of the step, in ms. */
  latency: { p50: number; p95: number; p99: number; max: number };
  duplicated: number;
  /** Server CPU time per delivery, in µs (all the server's work from the step's start to its drain). */
  serverCpuPerDeliveryMicros: number;
  serverCores: number;
  generatorCores: number;
  /** Other programs, the kernel's interrupt work, and the hypervisor's steal, in cores (see meter.ts). */
  otherCores: number;
  interruptCores: number;
  stealCores: number;
  /** The load generator itself was the limit: it used ≥ 90% of its core or sent late. */
  generatorBound: boolean;
  /** ≥ 99% of the deliveries on time and p99 ≤ 250 ms. */
  pass: boolean;
  /** How many times the step was run again because other programs made the machine noisy. */
  retries?: number;
}

interface StepCount {
  sent: number;
  arrived: number;
  onTime: number;
  duplicated: number;
  deadline: number;
  latency: Histogram;
}

export class Traffic {
  readonly #counts: StepCount[] = [];
  /** Per (receiver, sender): the highest message number received; anything not above it is a duplicate. */
  readonly #highest: Int32Array;
  /** Per sender: the number of its next message. */
  readonly #next: Int32Array;
  /** Benchmark messages that belong to no step of this run (should stay 0). */
  strays = 0;

  constructor(
    readonly crowd: Crowd,
    readonly senders: number,
  ) {
    this.#highest = new Int32Array(crowd.size * senders).fill(-1);
    this.#next = new Int32Array(senders);
    crowd.onDelivery = (receiver, step, sender, seq, sentMicros) => this.#deliver(receiver, step, sender, seq, sentMicros);
  }

  /**
   * Sends `rate` messages a second, spread over the senders in turn, for `seconds`; then waits
   * up to `drainMs` for the last deliveries. Every step begins after the previous one drained.
   */
  async step(rate: number, seconds: number, drainMs: number): Promise<StepResult> {
    const { crowd, senders } = this;
    const step = this.#counts.length;
    const total = Math.max(1, Math.round(rate * seconds));
    const start = micros();
    const count: StepCount = { sent: 0, arrived: 0, onTime: 0, duplicated: 0, deadline: start + (seconds * 1000 + ON_TIME_MS) * 1000, latency: new Histogram() };
    this.#counts.push(count);
    const meter = new CpuMeter(crowd.target.pid);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor((rate * (micros() - start)) / 1e6));
        for (; count.sent < due; count.sent++) {
          const sender = count.sent % senders;
          crowd.say(sender, step, this.#next[sender]!++);
        }
        if (count.sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    const sendSeconds = (micros() - start) / 1e6;
    const sending = meter.read();
    const expected = total * crowd.size;
    for (const until = performance.now() + drainMs; count.arrived < expected && performance.now() < until; ) await sleep(10);
    const cpu = meter.read();
    const latency = count.latency.summary();
    const deliveredRatio = count.onTime / expected;
    return {
      rate,
      sentRate: total / sendSeconds,
      sent: total,
      expected,
      deliveredPerSecond: count.onTime / seconds,
      deliveredRatio,
      latency,
      duplicated: count.duplicated,
      serverCpuPerDeliveryMicros: (cpu.serverSeconds * 1e6) / count.arrived,
      serverCores: cpu.serverCores,
      generatorCores: sending.generatorCores,
      otherCores: cpu.otherCores,
      interruptCores: cpu.interruptCores,
      stealCores: cpu.stealCores,
      generatorBound: sending.generatorCores >= 0.9 || sendSeconds > seconds * 1.05,
      pass: deliveredRatio >= 0.99 && latency.p99 <= ON_TIME_MS,
    };
  }

  /** Deliveries that never arrived, per step, counted once the crowd has gone quiet. */
  lost(): number[] {
    return this.#counts.map((count) => count.sent * this.crowd.size - count.arrived);
  }

  #deliver(receiver: number, step: number, sender: number, seq: number, sentMicros: number): void {
    const now = micros();
    const count = this.#counts[step];
    if (!count || sender >= this.senders) {
      this.strays++;
      return;
    }
    const key = receiver * this.senders + sender;
    if (seq <= this.#highest[key]!) {
      count.duplicated++;
      return;
    }
    this.#highest[key] = seq;
    count.arrived++;
    if (now <= count.deadline) count.onTime++;
    count.latency.record(now - sentMicros);
  }
}
