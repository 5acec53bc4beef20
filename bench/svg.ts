/**
 * Draws `labs/03-realtime/docs/polling-vs-push.svg` (and, at the end, `labs/07-cores/docs/cores.svg`) from measured figures: on the left, how long a message takes
 * to reach the other window by polling (lab 02) and by push (lab 03); on the right, what one
 * lab 02 refresh costs as the log grows. Plain SVG, no library: bars, lines and text.
 */
import { amdahl, serialFraction, type CoresResult } from './cores/compare-cores.ts';
import type { LabsResult } from './labs/compare-labs.ts';
import { format } from './report.ts';

const WIDTH = 860;
const HEIGHT = 330;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';
const POLL_COLOR = '#d9822b';
const PUSH_COLOR = '#2b8a3e';
const CPU_COLOR = '#868e96';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escape(content)}</text>`;
}

/** A duration for a label: "1.2 ms" below a second, "0.84 s" above. */
function duration(ms: number): string {
  return ms < 1000 ? `${format(ms, ms < 10 ? 1 : 0)} ms` : `${format(ms / 1000, 2)} s`;
}

/** A polling interval for a label: "250 ms", "1 s". */
const every = (ms: number) => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

/** Left panel: one horizontal bar per way of getting a message (p50), a whisker to its p95. */
function latencyPanel({ poll, push }: LabsResult, x0: number, y0: number, width: number): string[] {
  const rows = [
    ...poll.map((p) => ({ label: `lab 02, refresh every ${every(p.intervalMs)}`, p50: p.p50, p95: p.p95, color: POLL_COLOR })),
    { label: 'lab 03, push (WebSocket)', p50: push.p50, p95: push.p95, color: PUSH_COLOR },
  ];
  const labelWidth = 190;
  const plotWidth = width - labelWidth - 70;
  const top = Math.max(...rows.map((r) => r.p95));
  const scale = (ms: number) => (ms / top) * plotWidth;
  const out = [
    text(x0, y0, 'Time for a message to reach the other window', `${FONT} font-size="15" font-weight="600"`),
    text(x0, y0 + 18, 'bar: median (p50); line: p95. Lower is better.', `${FONT} font-size="12" fill="#555"`),
  ];
  rows.forEach((r, i) => {
    const y = y0 + 45 + i * 52;
    const barX = x0 + labelWidth;
    out.push(text(barX - 8, y + 16, r.label, `${FONT} font-size="12" text-anchor="end"`));
    out.push(`<rect x="${barX}" y="${y}" width="${Math.max(2, scale(r.p50)).toFixed(1)}" height="24" fill="${r.color}" rx="2"/>`);
    out.push(`<line x1="${barX + scale(r.p50)}" y1="${y + 12}" x2="${barX + scale(r.p95)}" y2="${y + 12}" stroke="#333" stroke-width="1.5"/>`);
    out.push(`<line x1="${barX + scale(r.p95)}" y1="${y + 5}" x2="${barX + scale(r.p95)}" y2="${y + 19}" stroke="#333" stroke-width="1.5"/>`);
    out.push(text(barX + Math.max(scale(r.p95), scale(r.p50)) + 6, y + 16, duration(r.p50), `${FONT} font-size="12" font-weight="600"`));
  });
  return out;
}

/** Right panel: for each log size, the time of one refresh and the server CPU it used. */
function refreshPanel({ refresh }: LabsResult, x0: number, y0: number, width: number): string[] {
  const plotTop = y0 + 60;
  const plotHeight = 190;
  const top = Math.max(...refresh.map((r) => Math.max(r.p50, r.serverCpuMs))) * 1.25;
  const scale = (ms: number) => (ms / top) * plotHeight;
  const group = width / refresh.length;
  const growth = refresh.at(-1)!.p50 / refresh[0]!.p50;
  const verdict = growth < 1.5 ? 'the cost stays flat' : `it grows ${format(growth, 1)}×`;
  const out = [
    text(x0, y0, 'One lab 02 refresh as the log grows', `${FONT} font-size="15" font-weight="600"`),
    text(x0, y0 + 18, `Only the last 200 lines are read: ${verdict}.`, `${FONT} font-size="12" fill="#555"`),
    `<rect x="${x0}" y="${y0 + 30}" width="10" height="10" fill="${POLL_COLOR}"/>`,
    text(x0 + 14, y0 + 39, 'time of one refresh (p50)', `${FONT} font-size="11"`),
    `<rect x="${x0 + 170}" y="${y0 + 30}" width="10" height="10" fill="${CPU_COLOR}"/>`,
    text(x0 + 184, y0 + 39, 'server CPU per refresh', `${FONT} font-size="11"`),
    `<line x1="${x0}" y1="${plotTop + plotHeight}" x2="${x0 + width}" y2="${plotTop + plotHeight}" stroke="#999"/>`,
  ];
  refresh.forEach((r, i) => {
    const center = x0 + group * (i + 0.5);
    const base = plotTop + plotHeight;
    for (const [offset, value, color] of [[-30, r.p50, POLL_COLOR], [2, r.serverCpuMs, CPU_COLOR]] as const) {
      const height = Math.max(1, scale(value));
      out.push(`<rect x="${center + offset}" y="${(base - height).toFixed(1)}" width="28" height="${height.toFixed(1)}" fill="${color}" rx="2"/>`);
      out.push(text(center + offset + 14, base - height - 4, format(value, 1), `${FONT} font-size="11" text-anchor="middle"`));
    }
    out.push(text(center, base + 16, `${format(r.logLines, 0)} lines`, `${FONT} font-size="12" text-anchor="middle"`));
    out.push(text(center, base + 30, `(${format(r.logBytes / 1e6, 1)} MB)`, `${FONT} font-size="11" fill="#555" text-anchor="middle"`));
  });
  out.push(text(x0 + width, plotTop - 4, 'in milliseconds', `${FONT} font-size="11" fill="#555" text-anchor="end"`));
  return out;
}

/** A chart of two panels side by side, as the text of an SVG file; `caption` says when and where it was measured. */
function svgFile(label: string, panels: string[], caption: string): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...panels,
    text(16, HEIGHT - 10, caption, `${FONT} font-size="11" fill="#777"`),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

/** `labs/03-realtime/docs/polling-vs-push.svg`: how long a message takes to arrive, and what a refresh costs. */
export function pollingVsPushSvg(labs: LabsResult, caption: string): string {
  return svgFile('Polling (lab 02) against push (lab 03)', [...latencyPanel(labs, 16, 28, 480), ...refreshPanel(labs, 530, 28, 310)], caption);
}

const ONE_COLOR = '#868e96';
const CLUSTER_COLOR = '#1c7ed6';
const AMDAHL_COLOR = '#d9822b';

/** Left panel of `cores.svg`: deliveries a second at saturation, one bar per server. */
function throughputPanel({ runs, saturationClients }: CoresResult, x0: number, y0: number, width: number): string[] {
  const rows = runs.map((run) => ({
    label: run.server.name,
    value: run.saturation.saturation?.deliveredPerSecond ?? 0,
    bound: run.saturation.saturation?.generatorBound,
    color: run.server.workers === 0 ? ONE_COLOR : CLUSTER_COLOR,
  }));
  const labelWidth = 150;
  const plotWidth = width - labelWidth - 200;
  const top = Math.max(1, ...rows.map((r) => r.value));
  const out = [
    text(x0, y0, 'Deliveries a second at saturation', `${FONT} font-size="15" font-weight="600"`),
    text(x0, y0 + 18, `N=${saturationClients} clients, rate raised until the server falls behind. Higher is better.`, `${FONT} font-size="12" fill="#555"`),
  ];
  const gap = Math.min(52, 220 / rows.length);
  rows.forEach((r, i) => {
    const y = y0 + 45 + i * gap;
    const barX = x0 + labelWidth;
    out.push(text(barX - 8, y + 16, r.label, `${FONT} font-size="12" text-anchor="end"`));
    out.push(`<rect x="${barX}" y="${y}" width="${Math.max(2, (r.value / top) * plotWidth).toFixed(1)}" height="24" fill="${r.color}" rx="2"/>`);
    out.push(text(barX + (r.value / top) * plotWidth + 6, y + 16, `${format(r.value, 0)}${r.bound ? ' (generator bound)' : ''}`, `${FONT} font-size="12" font-weight="600"`));
  });
  return out;
}

/** Right panel: the speed-up over one worker that Amdahl's law predicts from s, and the measured ones. */
function speedUpPanel(result: CoresResult, x0: number, y0: number, width: number): string[] {
  const one = result.runs.find((run) => run.server.workers === 1);
  const s = one ? serialFraction(one) : Number.NaN;
  const base = one?.saturation.saturation?.deliveredPerSecond ?? Number.NaN;
  const measured = result.runs.filter((run) => run.server.workers > 0).map((run) => ({ n: run.server.workers, speedUp: (run.saturation.saturation?.deliveredPerSecond ?? Number.NaN) / base }));
  const maxN = 8;
  const plotTop = y0 + 60;
  const plotHeight = 190;
  const plotLeft = x0 + 30;
  const plotWidth = width - 40;
  const x = (n: number) => plotLeft + ((n - 1) / (maxN - 1)) * plotWidth;
  const y = (speedUp: number) => plotTop + plotHeight - (Math.min(speedUp, maxN) / maxN) * plotHeight;
  const curve = Array.from({ length: maxN }, (_, i) => `${x(i + 1).toFixed(1)},${y(amdahl(s, i + 1)).toFixed(1)}`).join(' ');
  const out = [
    text(x0, y0, 'Speed-up over one worker', `${FONT} font-size="15" font-weight="600"`),
    text(x0, y0 + 18, `Amdahl's law, s = ${format(s, 2)}: at most ${format(1 / s, 1)}×`, `${FONT} font-size="12" fill="#555"`),
    `<line x1="${x0}" y1="${y0 + 35}" x2="${x0 + 14}" y2="${y0 + 35}" stroke="#aaa" stroke-dasharray="4 3"/>`,
    text(x0 + 18, y0 + 39, 'ideal', `${FONT} font-size="11"`),
    `<line x1="${x0 + 60}" y1="${y0 + 35}" x2="${x0 + 74}" y2="${y0 + 35}" stroke="${AMDAHL_COLOR}" stroke-width="2"/>`,
    text(x0 + 78, y0 + 39, 'Amdahl', `${FONT} font-size="11"`),
    `<circle cx="${x0 + 135}" cy="${y0 + 35}" r="4" fill="${CLUSTER_COLOR}"/>`,
    text(x0 + 143, y0 + 39, 'measured', `${FONT} font-size="11"`),
    `<line x1="${plotLeft}" y1="${plotTop + plotHeight}" x2="${plotLeft + plotWidth}" y2="${plotTop + plotHeight}" stroke="#999"/>`,
    `<line x1="${plotLeft}" y1="${plotTop}" x2="${plotLeft}" y2="${plotTop + plotHeight}" stroke="#999"/>`,
    `<line x1="${x(1)}" y1="${y(1)}" x2="${x(maxN)}" y2="${y(maxN)}" stroke="#aaa" stroke-dasharray="4 3"/>`,
  ];
  if (Number.isFinite(s)) out.push(`<polyline points="${curve}" fill="none" stroke="${AMDAHL_COLOR}" stroke-width="2"/>`);
  for (const n of [1, 2, 4, 8]) out.push(text(x(n), plotTop + plotHeight + 16, `${n}`, `${FONT} font-size="12" text-anchor="middle"`));
  out.push(text(plotLeft + plotWidth / 2, plotTop + plotHeight + 32, 'worker processes', `${FONT} font-size="11" fill="#555" text-anchor="middle"`));
  for (const speedUp of [1, 2, 4, 8]) out.push(text(plotLeft - 6, y(speedUp) + 4, `${speedUp}×`, `${FONT} font-size="11" fill="#555" text-anchor="end"`));
  for (const point of measured.filter((p) => Number.isFinite(p.speedUp) && p.n <= maxN)) {
    out.push(`<circle cx="${x(point.n).toFixed(1)}" cy="${y(point.speedUp).toFixed(1)}" r="5" fill="${CLUSTER_COLOR}"/>`);
    out.push(text(x(point.n) + 8, y(point.speedUp) - 6, `${format(point.speedUp, 2)}×`, `${FONT} font-size="11" font-weight="600"`));
  }
  return out;
}

/** `labs/07-cores/docs/cores.svg`: lab 06 against lab 07's workers, and Amdahl's law beside the measured speed-up. */
export function coresSvg(result: CoresResult, caption: string): string {
  return svgFile('Lab 06 against lab 07 with several worker processes', [...throughputPanel(result, 16, 28, 500), ...speedUpPanel(result, 540, 28, 300)], caption);
}
