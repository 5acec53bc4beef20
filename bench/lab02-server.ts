/**
 * Lab 02's real server (Send/Refresh over one shared `chat.log`) for the benchmark, logging into
 * the temporary BENCH_LOG_DIR on a free port.
 */
import { startServer } from '../labs/02-shared-log/server/server.ts';
import { announce } from './lib/server-side.ts';

const logDir = process.env.BENCH_LOG_DIR;
if (!logDir) throw new Error('set BENCH_LOG_DIR');

const server = await startServer({ port: 0, host: '127.0.0.1', logDir });
announce(server.port);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
