import WebSocket from 'ws';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { startServer } from '/work/main/bench/lib/children.ts';
import { RawClient } from '/work/main/bench/load/raw-client.ts';
import { cpuSeconds } from '/work/main/bench/lib/proc.ts';
execFileSync('taskset', ['-cp', '1', String(process.pid)]);
const kind = process.argv[2];
const s = await startServer('bare-server.ts', {});
let got = 0;
const senders: ((t: string) => void)[] = [];
for (let i = 0; i < 100; i++) {
  if (kind === 'ws') {
    const w = new WebSocket(`ws://127.0.0.1:${s.port}/`, { perMessageDeflate: false, skipUTF8Validation: true });
    w.on('message', (d: Buffer) => { if (d.indexOf('~') >= 0) got++; });
    await once(w, 'open');
    senders.push((t) => w.send(t));
  } else {
    const c = await RawClient.connect(s.port, '/');
    c.onMessage = (d, a, b) => { const at = d.indexOf('~', a); if (at >= 0 && at < b) got++; };
    senders.push((t) => c.send(t));
  }
}
const rate = Number(process.argv[3] ?? 500);
const c0 = process.cpuUsage(); const s0 = cpuSeconds(s.pid); const t0 = performance.now();
let sent = 0;
await new Promise<void>((r) => { const tm = setInterval(() => { const due = Math.floor(rate * (performance.now() - t0) / 1000); while (sent < due && sent < rate * 3) { senders[sent % 10]!(`{"type":"say","text":"~${sent}"}`); sent++; } if (sent >= rate * 3) { clearInterval(tm); r(); } }, 5); });
while (got < sent * 100 && performance.now() - t0 < 8000) await new Promise((r) => setTimeout(r, 10));
const wall = (performance.now() - t0) / 1000; const cu = process.cpuUsage(c0);
console.log(kind, 'rate', rate, 'got', got, 'wall', wall.toFixed(2), 'gen µs/deliv', (((cu.user + cu.system)) / got).toFixed(2), 'user', (cu.user/got).toFixed(2), 'sys', (cu.system/got).toFixed(2), 'server µs/deliv', ((cpuSeconds(s.pid) - s0) * 1e6 / got).toFixed(2));
await s.stop(); process.exit(0);
