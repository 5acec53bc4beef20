/**
 * Lab 07's real server as the benchmark runs it: the lab's own `startCluster` (its primary in this
 * process, BENCH_WORKERS worker processes forked with node:cluster), with the options every
 * benchmark server gets (like lab06-server.ts: no cap on connections per address, no idle
 * cut-off, the log-in limits lifted). Logs on, in BENCH_LOG_DIR and BENCH_DATA_DIR, on free ports,
 * `RATE_LIMIT` lifted. Each worker runs gc-preload.ts first: it collects its garbage on SIGUSR2.
 * Announces `{"pid":…,"port":…,"workers":[pid,…]}` once every worker listens.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startCluster } from '../../labs/07-cores/server/cluster/primary.ts';
import { readConfig } from '../../labs/07-cores/server/config.ts';
import { LIFTED_LOG_IN_LIMITS, collectGarbageOnSignal } from '../lib/server-side.ts';

const logDir = process.env.BENCH_LOG_DIR;
const dataDir = process.env.BENCH_DATA_DIR;
const workers = Number(process.env.BENCH_WORKERS);
if (!logDir || !dataDir) throw new Error('set BENCH_LOG_DIR and BENCH_DATA_DIR');
if (!Number.isInteger(workers) || workers < 1) throw new Error('set BENCH_WORKERS to a number of worker processes');

const env = { PORT: '0', TCP_PORT: '0', HOST: '127.0.0.1', LOG_DIR: logDir, DATA_DIR: dataDir, GATE: '0', STUN_PORT: 'off', WORKERS: String(workers), RATE_LIMIT: process.env.RATE_LIMIT || '1000000' };
const preload = pathToFileURL(fileURLToPath(new URL('gc-preload.ts', import.meta.url))).href;
const server = await startCluster(readConfig(env, []), {
  // The crowd logs in from one address: no cap per address (a number JSON carries), the log-in limits lifted, as in lab06-server.ts.
  options: { tcpIdleMs: 60 * 60_000, maxConnectionsPerAddress: 1e9, logInLimits: LIFTED_LOG_IN_LIMITS },
  execArgv: ['--expose-gc', '--import', preload],
  onRestart: (id, reason) => console.error(`lab07: worker ${id} exited (${reason})`),
});
server.primary.sequencer.on('log-error', (error: Error) => console.error(`lab07: could not write the log: ${error.message}`));
collectGarbageOnSignal();
console.log(JSON.stringify({ pid: process.pid, port: server.port, workers: [...server.pids().values()] }));
process.once('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
