/**
 * Lab 05's real server as the benchmark runs it: its own `readConfig` and `startServer`, logs on,
 * in the folders named by BENCH_LOG_DIR and BENCH_DATA_DIR (temporary ones), on a free port, with
 * the default heartbeat, and `RATE_LIMIT` lifted (to 1000000 frames a second unless set), so
 * that one client can send a benchmark's share of messages. SIGTERM stops it the way Ctrl-C
 * stops the lab.
 */
import { readConfig } from '../labs/05-scale/server/config.ts';
import { startServer } from '../labs/05-scale/server/server.ts';
import { LIFTED_LOG_IN_LIMITS, announce, collectGarbageOnSignal } from './lib/server-side.ts';

const logDir = process.env.BENCH_LOG_DIR;
const dataDir = process.env.BENCH_DATA_DIR;
if (!logDir || !dataDir) throw new Error('set BENCH_LOG_DIR and BENCH_DATA_DIR');

const env = { PORT: '0', HOST: '127.0.0.1', LOG_DIR: logDir, DATA_DIR: dataDir, GATE: '0', RATE_LIMIT: process.env.RATE_LIMIT || '1000000' };
const server = await startServer(readConfig(env, []), { maxConnectionsPerAddress: Infinity, logInLimits: LIFTED_LOG_IN_LIMITS }); // every client comes from 127.0.0.1
server.hub.on('drop', (login, reason) => console.error(`lab05: dropped ${login}: ${reason}`));
server.hub.on('log-error', (error) => console.error(`lab05: could not write the log: ${error.message}`));
announce(server.port);
collectGarbageOnSignal();
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
