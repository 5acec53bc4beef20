/**
 * Lab 04's real server as the benchmark runs it: the lab's own `startServer`, logs on, in the
 * folders named by BENCH_LOG_DIR and BENCH_DATA_DIR (temporary ones), on a free port, with the
 * default heartbeat. Only the limits are raised, so that one client can send a benchmark's share
 * of messages and a crowd can connect and log in from one address. SIGTERM stops it the way Ctrl-C stops the lab.
 */
import { startServer } from '../labs/04-rooms-p2p/server/server.ts';
import { LIFTED_LOG_IN_LIMITS, announce, collectGarbageOnSignal } from './lib/server-side.ts';

const logDir = process.env.BENCH_LOG_DIR;
const dataDir = process.env.BENCH_DATA_DIR;
if (!logDir || !dataDir) throw new Error('set BENCH_LOG_DIR and BENCH_DATA_DIR');

const server = await startServer({ port: 0, host: '127.0.0.1', logDir, dataDir, gate: 0 }, { rate: { perSecond: 1e6, burst: 1e6 }, maxConnectionsPerAddress: Infinity, logInLimits: LIFTED_LOG_IN_LIMITS });
server.hub.on('drop', (login, reason) => console.error(`lab04: dropped ${login}: ${reason}`));
server.hub.on('log-error', (error) => console.error(`lab04: could not write the log: ${error.message}`));
announce(server.port);
collectGarbageOnSignal();
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
