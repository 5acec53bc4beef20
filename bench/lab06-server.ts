/**
 * Lab 06's real server as the benchmark runs it, like `lab05-server.ts`: its own `readConfig` and
 * `startServer`, logs on, in the folders named by BENCH_LOG_DIR and BENCH_DATA_DIR, on free ports,
 * `RATE_LIMIT` and the log-in limits lifted. It listens for browsers (HTTP and WebSocket) and for terminals (plain TCP)
 * at once, and announces the port of the transport the load generator will use:
 * BENCH_TRANSPORT=websocket (the HTTP port) or BENCH_TRANSPORT=tcp (the TCP port).
 */
import { readConfig } from '../labs/06-tcp/server/config.ts';
import { startServer } from '../labs/06-tcp/server/server.ts';
import { LIFTED_LOG_IN_LIMITS, announce, collectGarbageOnSignal } from './lib/server-side.ts';

const logDir = process.env.BENCH_LOG_DIR;
const dataDir = process.env.BENCH_DATA_DIR;
const transport = process.env.BENCH_TRANSPORT;
if (!logDir || !dataDir) throw new Error('set BENCH_LOG_DIR and BENCH_DATA_DIR');
if (transport !== 'websocket' && transport !== 'tcp') throw new Error('set BENCH_TRANSPORT to websocket or tcp');

const env = { PORT: '0', TCP_PORT: '0', HOST: '127.0.0.1', LOG_DIR: logDir, DATA_DIR: dataDir, GATE: '0', RATE_LIMIT: process.env.RATE_LIMIT || '1000000' };
const server = await startServer(readConfig(env, []), { tcpIdleMs: 60 * 60_000, maxConnectionsPerAddress: Infinity, logInLimits: LIFTED_LOG_IN_LIMITS });
server.hub.on('drop', (login, reason) => console.error(`lab06: dropped ${login}: ${reason}`));
server.hub.on('log-error', (error) => console.error(`lab06: could not write the log: ${error.message}`));
announce(transport === 'tcp' ? server.tcpPort : server.port);
collectGarbageOnSignal();
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
