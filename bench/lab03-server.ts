/**
 * Lab 03's real server (WebSockets, push) for the benchmark, logging into the temporary
 * BENCH_LOG_DIR on a free port. Only the limits are raised (rate, connections), as for lab 04.
 */
import { startServer } from '../labs/03-realtime/server/server.ts';
import { announce } from './lib/server-side.ts';

const logDir = process.env.BENCH_LOG_DIR;
if (!logDir) throw new Error('set BENCH_LOG_DIR');

const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 }, {
  rate: { perSecond: 1e6, burst: 1e6 },
  connects: { perSecond: 1e6, burst: 1e6 }, // every client is a user window on 127.0.0.1: one person to lab 03
  maxConnectionsPerAddress: Infinity, // and every client comes from 127.0.0.1
});
announce(server.port);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
