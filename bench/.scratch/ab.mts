// A/B: lab04 (and optionally bare) at fixed rates. usage: tsx bench/.scratch/ab.mts [bare]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedAccounts } from '../lib/accounts.ts';
import { startGenerator, startServer } from '../lib/children.ts';
const tmp = await mkdtemp(join(tmpdir(), 'bench-ab-'));
await seedAccounts(join(tmp, 'data'), 1000);
const kinds = process.argv.slice(2).filter((a) => !a.startsWith('--')).length ? process.argv.slice(2).filter((a) => !a.startsWith('--')) : ['lab04'];
const only = process.argv.find((a) => a.startsWith('--job='))?.slice(6);
const allJobs = [
  { scenario: 'steady', clients: 100, senders: 10, rate: 20, seconds: 4, drainMs: 2000 },
  { scenario: 'steady', clients: 100, senders: 10, rate: 400, seconds: 4, drainMs: 2000 },
  { scenario: 'steady', clients: 1000, senders: 50, rate: 50, seconds: 5, drainMs: 3000 },
];
const jobs = only ? [allJobs[Number(only)]!] : allJobs;
for (const kind of kinds) for (const job of jobs) {
  const logDir = await mkdtemp(join(tmp, 'logs-'));
  const server = kind === 'bare' ? await startServer('bare-server.ts', {}) : await startServer('lab04-server.ts', { BENCH_LOG_DIR: logDir, BENCH_DATA_DIR: join(tmp, 'data') });
  const g = startGenerator({ ...job, label: kind, target: { kind, port: server.port, pid: server.pid }, timeoutMs: 120000 }, 120000);
  const r: any = await g.result;
  const s = r.step;
  console.log(kind, `N=${job.clients} R=${job.rate}`, `p50=${s.latency.p50.toFixed(2)} p99=${s.latency.p99.toFixed(2)} max=${s.latency.max.toFixed(1)} cpu/d=${s.serverCpuPerDeliveryMicros.toFixed(2)}us srv=${s.serverCores.toFixed(2)} gen=${s.generatorCores.toFixed(2)} other=${s.otherCores.toFixed(2)} steal=${s.stealCores.toFixed(2)} lost=${r.lost} retries=${s.retries} dup=${s.duplicated} connect=${r.connectSeconds.toFixed(1)}s`);
  await server.stop(); await g.finish();
}
await rm(tmp, { recursive: true, force: true });
