/**
 * The results as tables: every figure for the bare relay and for lab 04, with the ratio
 * lab04/bare and, where the issue sets one, the target. Printed as Markdown, so a run's output
 * can be pasted into the README as it is.
 */
import type { IdleResult, Pair, SaturationResult, SteadyResult } from './lab04-vs-bare.ts';
import type { LabsResult } from './labs/compare-labs.ts';
import type { StepResult } from './load/traffic.ts';

export interface Row {
  figure: string;
  bare: number;
  lab04: number;
  /** lab04 / bare. */
  ratio: number;
  /** The target for the ratio, if the issue sets one (lab 04 must be at most this times bare). */
  target?: number;
  /** Digits after the decimal point. */
  digits: number;
  /** A note after the figures, e.g. that the load generator was the limit. */
  note?: string;
  /** The figures are too noisy to judge the target by (a quick run's memory figures). */
  unstable?: boolean;
}

function row(figure: string, pair: Pair<number>, digits: number, extra: Partial<Row> = {}): Row {
  return { figure, bare: pair.bare, lab04: pair.lab04, ratio: pair.lab04 / pair.bare, digits, ...extra };
}

/** Picks one figure (or part) of both servers' results. */
const both = <T, U>(pair: Pair<T>, pick: (value: T) => U): Pair<U> => ({ bare: pick(pair.bare), lab04: pick(pair.lab04) });

/** The fastest rate that both servers were run at and passed, if there is one. */
function commonStep(a: Pair<SaturationResult>): Pair<StepResult> | undefined {
  const passed = (result: SaturationResult) => new Map(result.steps.filter((step) => step.pass).map((step) => [step.rate, step]));
  const [bare, lab04] = [passed(a.bare), passed(a.lab04)];
  const rate = Math.max(...[...bare.keys()].filter((r) => lab04.has(r)));
  return Number.isFinite(rate) ? { bare: bare.get(rate)!, lab04: lab04.get(rate)! } : undefined;
}

function generatorNote(steps: Pair<StepResult | undefined>): string | undefined {
  const bound = (['bare', 'lab04'] as const).filter((kind) => steps[kind]?.generatorBound);
  return bound.length ? `load generator was the limit (${bound.join(', ')})` : undefined;
}

export function saturationRows(a: Pair<SaturationResult>, clients: number): Row[] {
  // The fastest passing step; none (NaN figures) for a server that failed even the first rate.
  const sat = both(a, (result) => result.saturation);
  const at = (pick: (step: StepResult) => number) => both(sat, (step) => (step ? pick(step) : Number.NaN));
  const note = generatorNote(sat);
  const low = both(a, (result) => result.low);
  const common = commonStep(a);
  return [
    row(`(a) N=${clients}: saturation rate, messages/s`, at((s) => s.rate), 0, { note }),
    row('(a) deliveries/s received at saturation', at((s) => s.deliveredPerSecond), 0),
    row('(a) server CPU per delivery at saturation, µs', at((s) => s.serverCpuPerDeliveryMicros), 2, { target: 1.1 }),
    ...(common ? [row(`(a) server CPU per delivery at ${common.bare.rate} msg/s (both), µs`, both(common, (s) => s.serverCpuPerDeliveryMicros), 2)] : []),
    row('(a) server CPU at saturation, cores', at((s) => s.serverCores), 2),
    row('(a) load generator CPU at saturation, cores', at((s) => s.generatorCores), 2),
    row('(a) latency p50 at saturation, ms', at((s) => s.latency.p50), 2),
    row('(a) latency p95 at saturation, ms', at((s) => s.latency.p95), 2),
    row('(a) latency p99 at saturation, ms', at((s) => s.latency.p99), 2),
    row('(a) latency max at saturation, ms', at((s) => s.latency.max), 2),
    row(`(a) low load (${a.bare.low.rate} msg/s): latency p50, ms`, both(low, (s) => s.latency.p50), 2),
    row(`(a) low load (${a.bare.low.rate} msg/s): latency p99, ms`, both(low, (s) => s.latency.p99), 2),
    row('(a) lost deliveries (all steps)', both(a, (r) => r.lost), 0),
    row('(a) duplicated deliveries (all steps)', both(a, (r) => r.duplicated), 0),
  ];
}

export function steadyRows(b: Pair<SteadyResult & { connectSeconds: number }>, job: { clients: number; rate: number; seconds: number }): Row[] {
  const step = both(b, (r) => r.step);
  const note = generatorNote(step);
  return [
    row(`(b) N=${job.clients}, ${job.rate} msg/s for ${job.seconds} s: deliveries/s`, both(step, (s) => s.deliveredPerSecond), 0, { note }),
    row('(b) latency p50, ms', both(step, (s) => s.latency.p50), 2),
    row('(b) latency p95, ms', both(step, (s) => s.latency.p95), 2),
    row('(b) latency p99, ms', both(step, (s) => s.latency.p99), 2, { target: 1.2 }),
    row('(b) latency max, ms', both(step, (s) => s.latency.max), 2),
    row('(b) server CPU per delivery, µs', both(step, (s) => s.serverCpuPerDeliveryMicros), 2),
    row('(b) load generator CPU, cores', both(step, (s) => s.generatorCores), 2),
    row('(b) lost deliveries', both(b, (r) => r.lost), 0),
    row('(b) duplicated deliveries', both(step, (s) => s.duplicated), 0),
    row(`(b) time to connect ${job.clients} clients, s`, both(b, (r) => r.connectSeconds), 1),
  ];
}

/** Below this many connections, RSS moves too little (V8 grows its heap in steps) for a per-connection figure. */
const FEW_CONNECTIONS = 3000;

export function idleRows(c: Pair<IdleResult>): Row[] {
  const n = c.bare.connections;
  const note = n < FEW_CONNECTIONS ? `too few connections for a stable figure: the full run opens 5000` : undefined;
  const kib = (values: number[] | undefined) => values?.map((value) => (value / 1024).toFixed(1)).join(', ');
  const rounds = c.lab04.roundsRssPerConnection && `median of ${c.lab04.roundsRssPerConnection.length} rounds: bare ${kib(c.bare.roundsRssPerConnection)}; lab04 ${kib(c.lab04.roundsRssPerConnection)}`;
  return [
    row(`(c) C=${n} idle: server RSS per connection, KiB`, both(c, (r) => r.rssPerConnection / 1024), 1, { target: 1.3, note: note ?? rounds, unstable: note !== undefined }),
    row('(c) server JS heap (live objects) per connection, KiB', both(c, (r) => r.heapPerConnection / 1024), 2, { note }),
    row('(c) server RSS with no connection, MiB', both(c, (r) => r.rssBefore / 2 ** 20), 0),
    row(`(c) server RSS with ${n} connections, MiB`, both(c, (r) => r.rssAfter / 2 ** 20), 0),
    row(`(c) time to connect ${n}, s`, both(c, (r) => r.connectSeconds), 1),
    row(`(c) server CPU to connect ${n}, s`, both(c, (r) => r.connectServerSeconds), 1),
  ];
}

/** A number for a table: thousands separated, `digits` decimals, "—" when missing. */
export function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function verdict({ ratio, target, unstable }: Row): string {
  if (target === undefined) return '';
  if (unstable) return `target ≤ ${target}: not judged`;
  if (!Number.isFinite(ratio)) return `target ≤ ${target}: not measured`;
  return `target ≤ ${target}: ${ratio <= target ? 'met' : 'NOT met'}`;
}

export function markdownTable(rows: Row[]): string {
  const lines = ['| Figure | bare relay | lab 04 | lab04/bare | target |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const ratio = Number.isFinite(r.ratio) ? `${format(r.ratio, 2)}×` : '—';
    const notes = [verdict(r), r.note].filter(Boolean).join('; ');
    lines.push(`| ${r.figure} | ${format(r.bare, r.digits)} | ${format(r.lab04, r.digits)} | ${ratio} | ${notes} |`);
  }
  return lines.join('\n');
}

export function labsTable({ poll, push, refresh }: LabsResult): string {
  const lines = ['| How the other window gets a message | p50, ms | p95, ms | requests per idle window per minute |', '| --- | ---: | ---: | ---: |'];
  for (const p of poll) lines.push(`| lab 02, Send/Refresh every ${format(p.intervalMs, 0)} ms | ${format(p.p50, 0)} | ${format(p.p95, 0)} | ${format(p.requestsPerMinute, 0)} |`);
  lines.push(`| lab 03, pushed over a WebSocket | ${format(push.p50, 2)} | ${format(push.p95, 2)} | 0 (a ping every 30 s) |`);
  lines.push('', '| lab 02 log size | one refresh, p50 ms | p95 ms | server CPU per refresh, ms | page size, KB |', '| ---: | ---: | ---: | ---: | ---: |');
  for (const r of refresh) {
    lines.push(`| ${format(r.logLines, 0)} lines (${format(r.logBytes / 1e6, 1)} MB) | ${format(r.p50, 2)} | ${format(r.p95, 2)} | ${format(r.serverCpuMs, 2)} | ${format(r.pageBytes / 1000, 1)} |`);
  }
  return lines.join('\n');
}
