/**
 * The results as tables: every figure for each server (the bare relay, the frame-once relay,
 * lab 04 and lab 05), lab 05's ratio to its baseline, and one line per target: met or not, with
 * lab 04's ratio beside it as the "before". Printed as Markdown, so a run's output can be pasted
 * into a README as it is.
 */
import type { IdleResult, Results, SaturationResult, SteadyResult } from './compare-servers.ts';
import type { LabsResult } from './labs/compare-labs.ts';
import { KINDS, KIND_NAMES, type Kind } from './lib/kinds.ts';
import type { StepResult } from './load/traffic.ts';

/** What lab 05 must reach, as a ratio to its baseline: at most (`≤`) or at least (`≥`) `value` times. */
export interface Target {
  op: '≤' | '≥';
  value: number;
}

export interface Row {
  figure: string;
  values: Results<number>;
  /** What the labs are compared with: the frame-once relay (speed), or the bare relay (memory). */
  base: 'frameOnce' | 'bare';
  /** lab 05 / base. */
  ratio: number;
  /** lab 04 / base: the "before". */
  before: number;
  target?: Target;
  /** Digits after the decimal point. */
  digits: number;
  /** A note after the figures, e.g. that the load generator was the limit. */
  note?: string;
  /** The figures are too noisy to judge the target by (a quick run's memory figures). */
  unstable?: boolean;
}

function row(figure: string, values: Results<number>, digits: number, extra: Partial<Row> = {}): Row {
  const base = extra.base ?? 'frameOnce';
  return { figure, values, base, ratio: values.lab05 / values[base], before: values.lab04 / values[base], digits, ...extra };
}

/** Picks one part of each server's results: undefined for a server left out (or with no such part). */
function each<T, U>(results: Partial<Results<T | undefined>>, pick: (value: T) => U): Results<U | undefined> {
  return Object.fromEntries(
    KINDS.map((kind) => {
      const value = results[kind];
      return [kind, value === undefined ? undefined : pick(value)];
    }),
  ) as Results<U | undefined>;
}

/** One figure of each server's results: NaN (printed "—") where there is none. */
function figure<T>(results: Partial<Results<T | undefined>>, pick: (value: T) => number): Results<number> {
  const picked = each(results, pick);
  return Object.fromEntries(KINDS.map((kind) => [kind, picked[kind] ?? Number.NaN])) as Results<number>;
}

/** The servers that were run. */
const present = (results: Partial<Results<unknown>>) => KINDS.filter((kind) => results[kind] !== undefined);

/** The fastest rate that every server run was run at and passed, if there is one. */
function commonStep(a: Results<SaturationResult>): Results<StepResult | undefined> | undefined {
  const passed = each(a, (result) => new Map(result.steps.filter((step) => step.pass).map((step) => [step.rate, step])));
  const kinds = present(a);
  const rates = [...(passed[kinds[0]!]?.keys() ?? [])].filter((rate) => kinds.every((kind) => passed[kind]!.has(rate)));
  if (!rates.length) return undefined;
  const rate = Math.max(...rates);
  return each(passed, (steps) => steps.get(rate)!);
}

function generatorNote(steps: Results<StepResult | undefined>): string | undefined {
  const bound = KINDS.filter((kind) => steps[kind]?.generatorBound);
  return bound.length ? `the load generator was the limit (${bound.map((kind) => KIND_NAMES[kind]).join(', ')})` : undefined;
}

export function saturationRows(a: Results<SaturationResult>, clients: number): Row[] {
  // The fastest passing step; none (NaN figures) for a server that failed even the first rate.
  const sat = each(a, (result) => result.saturation);
  const at = (pick: (step: StepResult) => number) => figure(sat, pick);
  const note = generatorNote(sat);
  const low = each(a, (result) => result.low);
  const lowRate = a[present(a)[0]!].low.rate;
  const common = commonStep(a);
  const commonRate = common && common[present(a)[0]!]!.rate;
  return [
    row(`(a) N=${clients}: saturation rate, messages/s`, at((s) => s.rate), 0, { note }),
    row('(a) deliveries/s received at saturation', at((s) => s.deliveredPerSecond), 0, { target: { op: '≥', value: 1.3 }, note }),
    row('(a) server CPU per delivery at saturation, µs', at((s) => s.serverCpuPerDeliveryMicros), 2, { target: { op: '≤', value: 1.0 } }),
    ...(common ? [row(`(a) server CPU per delivery at ${commonRate} msg/s (all servers), µs`, figure(common, (s) => s.serverCpuPerDeliveryMicros), 2)] : []),
    row('(a) server CPU at saturation, cores', at((s) => s.serverCores), 2),
    row('(a) load generator CPU at saturation, cores', at((s) => s.generatorCores), 2),
    row('(a) latency p50 at saturation, ms', at((s) => s.latency.p50), 2),
    row('(a) latency p95 at saturation, ms', at((s) => s.latency.p95), 2),
    row('(a) latency p99 at saturation, ms', at((s) => s.latency.p99), 2),
    row('(a) latency max at saturation, ms', at((s) => s.latency.max), 2),
    row(`(a) low load (${lowRate} msg/s): latency p50, ms`, figure(low, (s) => s.latency.p50), 2),
    row(`(a) low load (${lowRate} msg/s): latency p99, ms`, figure(low, (s) => s.latency.p99), 2),
    row('(a) lost deliveries (all steps)', figure(a, (r) => r.lost), 0),
    row('(a) duplicated deliveries (all steps)', figure(a, (r) => r.duplicated), 0),
  ];
}

export function steadyRows(b: Results<SteadyResult & { connectSeconds: number }>, job: { clients: number; rate: number; seconds: number }): Row[] {
  const step = each(b, (r) => r.step);
  const at = (pick: (step: StepResult) => number) => figure(step, pick);
  const note = generatorNote(step);
  return [
    row(`(b) N=${job.clients}, ${job.rate} msg/s for ${job.seconds} s: deliveries/s`, at((s) => s.deliveredPerSecond), 0, { note }),
    row('(b) latency p50, ms', at((s) => s.latency.p50), 2),
    row('(b) latency p95, ms', at((s) => s.latency.p95), 2),
    row('(b) latency p99, ms', at((s) => s.latency.p99), 2, { target: { op: '≤', value: 1.2 }, note: roundsNote(b, (r) => r.p99) }),
    row('(b) latency max, ms', at((s) => s.latency.max), 2),
    row('(b) server CPU per delivery, µs', at((s) => s.serverCpuPerDeliveryMicros), 2, { target: { op: '≤', value: 1.0 }, note: roundsNote(b, (r) => r.cpuPerDelivery) }),
    row('(b) load generator CPU, cores', at((s) => s.generatorCores), 2),
    row('(b) lost deliveries', figure(b, (r) => r.lost), 0),
    row('(b) duplicated deliveries', at((s) => s.duplicated), 0),
    row(`(b) time to connect ${job.clients} clients, s`, figure(b, (r) => r.connectSeconds), 1),
  ];
}

/** "median of 3 rounds: bare relay 9.4, 9.9, 10.1; …" when (b) ran in rounds. */
function roundsNote(b: Results<SteadyResult>, pick: (round: { p99: number; cpuPerDelivery: number }) => number): string | undefined {
  const kinds = present(b).filter((kind) => b[kind].rounds);
  if (kinds.length === 0) return undefined;
  const values = (kind: Kind) => b[kind].rounds!.map((round) => pick(round).toFixed(2)).join(', ');
  return `median of ${b[kinds[0]!].rounds!.length} rounds: ${kinds.map((kind) => `${KIND_NAMES[kind]} ${values(kind)}`).join('; ')}`;
}

/** Below this many connections, RSS moves too little (V8 grows its heap in steps) for a per-connection figure. */
const FEW_CONNECTIONS = 3000;

export function idleRows(c: Results<IdleResult>): Row[] {
  const n = c[present(c)[0]!].connections;
  const note = n < FEW_CONNECTIONS ? `too few connections for a stable figure: the full run opens 5000` : undefined;
  const kib = (values: number[] | undefined) => values?.map((value) => (value / 1024).toFixed(1)).join(', ');
  const rounds = present(c).filter((kind) => c[kind].roundsRssPerConnection);
  const roundsNote = rounds.length ? `median of ${c[rounds[0]!].roundsRssPerConnection!.length} rounds: ${rounds.map((kind) => `${KIND_NAMES[kind]} ${kib(c[kind].roundsRssPerConnection)}`).join('; ')}` : undefined;
  const memory = { base: 'bare', target: { op: '≤', value: 1.3 }, unstable: note !== undefined } as const;
  return [
    row(`(c) C=${n} idle: server RSS per connection, KiB`, figure(c, (r) => r.rssPerConnection / 1024), 1, { ...memory, note: note ?? roundsNote }),
    row('(c) server JS heap (live objects) per connection, KiB', figure(c, (r) => r.heapPerConnection / 1024), 2, { ...memory, note }),
    row('(c) server RSS with no connection, MiB', figure(c, (r) => r.rssBefore / 2 ** 20), 0, { base: 'bare' }),
    row(`(c) server RSS with ${n} connections, MiB`, figure(c, (r) => r.rssAfter / 2 ** 20), 0, { base: 'bare' }),
    row(`(c) time to connect ${n}, s`, figure(c, (r) => r.connectSeconds), 1, { base: 'bare' }),
    row(`(c) server CPU to connect ${n}, s`, figure(c, (r) => r.connectServerSeconds), 1, { base: 'bare' }),
  ];
}

/** A number for a table: thousands separated, `digits` decimals, "—" when missing. */
export function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const times = (ratio: number) => (Number.isFinite(ratio) ? `${format(ratio, 2)}×` : '—');

/** Whether lab 05's ratio meets the row's target: true, false, or undefined when not judged. */
export function met({ ratio, target, unstable }: Row): boolean | undefined {
  if (!target || unstable || !Number.isFinite(ratio)) return undefined;
  return target.op === '≤' ? ratio <= target.value : ratio >= target.value;
}

function verdict(r: Row): string {
  if (!r.target) return '';
  const goal = `${r.target.op} ${r.target.value}× ${KIND_NAMES[r.base]}`;
  if (r.unstable) return `${goal}: not judged`;
  if (!Number.isFinite(r.ratio)) return `${goal}: not measured`;
  return `${goal}: ${met(r) ? 'met' : 'NOT met'}`;
}

/** One table, a column per server, then lab 04's and lab 05's ratios to the baseline. */
export function markdownTable(rows: Row[]): string {
  const names = KINDS.map((kind) => KIND_NAMES[kind]);
  const lines = [
    `| Figure | ${names.join(' | ')} | baseline | lab 04 ÷ baseline | lab 05 ÷ baseline | target for lab 05 |`,
    `| --- | ${KINDS.map(() => '---:').join(' | ')} | --- | ---: | ---: | --- |`,
  ];
  for (const r of rows) {
    const notes = [verdict(r), r.note].filter(Boolean).join('; ');
    const base = r.base === 'bare' ? 'bare' : 'frame-once';
    lines.push(`| ${r.figure} | ${KINDS.map((kind: Kind) => format(r.values[kind], r.digits)).join(' | ')} | ${base} | ${times(r.before)} | ${times(r.ratio)} | ${notes} |`);
  }
  return lines.join('\n');
}

/** One line per target: lab 05's ratio, met or not, and lab 04's ratio before it. */
export function targetLines(rows: Row[]): string {
  const lines = rows
    .filter((r) => r.target)
    .map((r) => {
      const outcome = met(r);
      const mark = outcome === undefined ? 'not judged' : outcome ? 'met' : 'NOT met';
      return `- ${r.figure}: lab 05 ${times(r.ratio)} ${KIND_NAMES[r.base]} (target ${r.target!.op} ${r.target!.value}×): **${mark}**; lab 04 was ${times(r.before)}`;
    });
  return lines.length ? ['Targets (lab 05 against its baseline; lab 04 is the "before"):', ...lines].join('\n') : '';
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
