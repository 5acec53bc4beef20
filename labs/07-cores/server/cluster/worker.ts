import cluster from 'node:cluster';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { listenSockets } from '../server.ts';
import type { ToPrimary, ToWorker } from './ipc.ts';
import { OPTIONS_VAR, type WorkerOptions } from './primary.ts';

/**
 * A worker process, as `cluster.fork()` starts it (see `primary.ts`): it listens on the shared
 * ports, passes every chat step and call to the primary over IPC (`process.send`), and carries
 * out what the primary answers. The primary's config comes in `CHAT_LAB_CONFIG`, and the options
 * given to `startCluster` (tests' and the benchmark's) in `CHAT_LAB_OPTIONS`.
 */
if (cluster.isWorker) {
  const send = (message: ToPrimary) => void (process.connected && process.send!(message));
  const config = JSON.parse(process.env.CHAT_LAB_CONFIG!) as Config;
  const options = JSON.parse(process.env[OPTIONS_VAR] ?? '{}') as WorkerOptions;
  try {
    const sockets = await listenSockets(config, options, { send }, cluster.worker!.id);
    sockets.hub.on('drop', (login, reason) => console.log(`Worker ${cluster.worker!.id} dropped ${login}'s connection: ${reason}.`));
    process.on('message', async (message: ToWorker) => {
      if (message.type !== 'stop') return sockets.receive(message);
      await sockets.close();
      process.exit(0);
    });
    process.on('SIGINT', () => undefined); // Ctrl-C reaches every process of the terminal's group: the primary stops the workers
    send({ type: 'ready', port: sockets.port, tcpPort: sockets.tcpPort });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    send({ type: 'failed', error: error.message });
    process.disconnect();
  }
}
