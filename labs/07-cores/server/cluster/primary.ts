import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { logIn } from '../accounts/log-in.ts';
import { Sessions } from '../accounts/sessions.ts';
import { AccountStore } from '../accounts/store.ts';
import { createApp } from '../app.ts';
import { ConfigError, joinUrls, tcpPortFor, type Config } from '../config.ts';
import { eventLine } from '../core/log-format.ts';
import { LOG_IN_LIMITS, LogInLimit, type LogInLimits } from '../core/log-in-limit.ts';
import { RegistrationLimit } from '../core/registration-limit.ts';
import { Throttle } from '../core/throttle.ts';
import { LogFile } from '../log-file.ts';
import type { ServerOptions } from '../server.ts';
import { startStun } from '../stun.ts';
import type { ToPrimary } from './ipc.ts';
import { answer, type Handlers } from './rpc.ts';
import { Sequencer, type WorkerLink } from './sequencer.ts';

/** The primary's state: everything that must exist once, whatever the number of workers. */
export interface Primary {
  accounts: AccountStore;
  sequencer: Sequencer;
  /** The UDP port of its STUN server; null with `STUN_PORT=off`. */
  stunPort: number | null;
  /** Resolves to this run's log file once it is created. */
  logPath: Promise<string>;
  /** A worker the primary now serves. */
  add(worker: WorkerLink): void;
  /** Handles a message from `worker`: a chat step, or a call. */
  receive(worker: WorkerLink, message: ToPrimary): void;
  /** Resolves once the log and the accounts are written. */
  close(): Promise<void>;
}

/**
 * Opens what only one process may hold: the data folder's accounts (and its lock), this run's log,
 * the chat (the {@link Sequencer}), the sessions, the log-in and registration limits, STUN, and
 * the accounts API's Hono app, which answers the requests workers pass on.
 */
export async function openPrimary(config: Config, { now = () => new Date(), logInLimits = LOG_IN_LIMITS }: { now?: () => Date; logInLimits?: LogInLimits } = {}): Promise<Primary> {
  await mkdir(config.logDir, { recursive: true });
  const accounts = await AccountStore.open(config.dataDir);
  const log = new LogFile(config.logDir, now());
  const sequencer = new Sequencer({ gate: config.gate, directory: () => accounts.list(), log, now });
  const writeLine = (text: string) => log.append(eventLine(now(), text)).catch((error: Error) => sequencer.emit('log-error', error));
  const { stunPort = config.port } = config;
  const stun = stunPort === null ? undefined : await startStun(config.host, stunPort).catch(async (error: NodeJS.ErrnoException) => {
    await accounts.close();
    throw error.code === 'EADDRINUSE' ? new ConfigError(`UDP port ${stunPort} (STUN) is already in use: set STUN_PORT to another port, or STUN_PORT=off.`) : error;
  });
  void writeLine(config.gate > 0 ? `server started; the gate opens at ${config.gate} users` : 'server started');
  const sessions = new Sessions({ onLogout: (token) => sequencer.logout(token) });
  const throttle = new Throttle();
  const logIns = new LogInLimit(logInLimits);
  const time = () => now().getTime();
  const app = createApp({ accounts, sessions, throttle, logIns, registrations: new RegistrationLimit(), stunPort: stun?.port ?? null, now: time });
  const handlers: Handlers = {
    loginFor: ({ session }) => ({ login: sessions.loginFor(session) ?? null }),
    logIn: ({ login, password, address }) => logIn({ accounts, throttle, logIns, now: time }, login, password, address),
    fetch: async ({ method, url, headers, body, address }) => {
      const request = new Request(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
      const response = await app.fetch(request, { incoming: { socket: { remoteAddress: address } } });
      return { status: response.status, headers: [...response.headers], body: await response.text() };
    },
  };
  return {
    accounts,
    sequencer,
    stunPort: stun?.port ?? null,
    logPath: log.path,
    add: (worker) => sequencer.add(worker),
    receive(worker, message) {
      if (message.type === 'call') return void answer(handlers, message, worker);
      if (message.type === 'connect' && message.session !== undefined && sessions.loginFor(message.session) === undefined) {
        return worker.send({ type: 'logout', session: message.session }); // logged out while the socket was opening
      }
      if (message.type !== 'ready' && message.type !== 'failed') sequencer.step(worker, message);
    },
    close: async () => {
      void writeLine('server stopped');
      await sequencer.close();
      await stun?.close();
      await accounts.close();
    },
  };
}

/** What `npm run lab:07` runs: the primary in this process, `config.workers` worker processes. */
export interface RunningCluster {
  port: number;
  tcpPort: number;
  urls: string[];
  stunPort: number | null;
  primary: Primary;
  /** The live workers' process ids, by worker id (the `X-Worker` header of every HTTP answer). */
  pids(): Map<number, number>;
  /** Stops every worker (their clients get 1001), then writes the log and the accounts. */
  close(): Promise<void>;
}

/** What {@link startCluster} may be given besides the config. */
interface ClusterOptions {
  /** A worker died without being asked to (`reason`: `SIGKILL`, or an exit code); a new one is started. */
  onRestart?: (id: number, reason: string) => void;
  /** The worker started in a dead one's place listens. */
  onReplaced?: (id: number, pid: number) => void;
  /** What tests and the benchmark replace, as `startServer` takes them: the primary's `logInLimits`, the rest each worker's. */
  options?: WorkerOptions;
  /** Node flags for the worker processes, after `--import tsx` (the benchmark's `--expose-gc`). */
  execArgv?: string[];
}

/** The {@link ServerOptions} a worker can be sent: no clock (a function), and numbers JSON keeps (not `Infinity`). */
export type WorkerOptions = Omit<ServerOptions, 'now'>;

/** The env var that carries {@link WorkerOptions} to the workers, as JSON, beside `CHAT_LAB_CONFIG`. */
export const OPTIONS_VAR = 'CHAT_LAB_OPTIONS';

/** `options` as JSON; throws on a number JSON would turn into `null` (`Infinity`: give a large number instead). */
function toJson(options: WorkerOptions): string {
  return JSON.stringify(options, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`startCluster: options.${key} is ${value}, which JSON cannot carry to the workers: give a large number instead.`);
    return value;
  });
}

/** The worker processes' code: started with tsx, as `npm run lab:07` starts the primary. */
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/**
 * Starts the primary's part here and forks `config.workers` workers, which all accept on the same
 * HTTP and TCP ports (the primary accepts, and deals connections out in turn: `SCHED_RR`).
 * A worker that dies is replaced: its people leave the chat, and their clients reconnect to another.
 */
export async function startCluster(asked: Config, { onRestart, onReplaced, options = {}, execArgv = [] }: ClusterOptions = {}): Promise<RunningCluster> {
  const config = await withPorts(asked);
  const env: NodeJS.ProcessEnv = { CHAT_LAB_CONFIG: JSON.stringify(config), [OPTIONS_VAR]: toJson(options) };
  const primary = await openPrimary(config, options);
  cluster.schedulingPolicy = cluster.SCHED_RR; // the default everywhere but Windows; said here, so it is the same everywhere
  cluster.setupPrimary({ exec: WORKER, execArgv: ['--import', 'tsx', ...execArgv], args: [] });
  let closing = false;
  const links = new Map<Worker, WorkerLink>();

  const fork = (): Promise<{ port: number; tcpPort: number }> & { id: number; pid: number } => {
    const worker = cluster.fork(env);
    const link: WorkerLink = { id: worker.id, send: (message) => void (worker.isConnected() && worker.send(message)) };
    links.set(worker, link);
    primary.add(link);
    worker.on('message', (message: ToPrimary) => primary.receive(link, message));
    worker.on('error', ignore); // EPIPE: a message to a worker that has just died; its 'exit' comes next, and drops its people
    const ready = new Promise<{ port: number; tcpPort: number }>((resolve, reject) => {
      worker.on('message', (message: ToPrimary) => {
        if (message.type === 'ready') resolve(message);
        if (message.type === 'failed') reject(new ConfigError(message.error));
      });
      worker.once('exit', (code, signal) => reject(new Error(`A worker exited (${signal ?? `exit code ${code}`}) before it listened.`)));
    });
    return Object.assign(ready, { id: worker.id, pid: worker.process.pid! });
  };

  const onExit = (worker: Worker, code: number, signal: string | null) => {
    const link = links.get(worker);
    if (!link) return; // another cluster's, in a test process that runs several
    links.delete(worker);
    if (closing) return; // stopping: as in lab 06, nobody "left", the server stopped
    primary.sequencer.drop(link);
    if (worker.exitedAfterDisconnect) return;
    onRestart?.(worker.id, signal ?? `exit code ${code}`);
    const replacement = fork();
    replacement.then(() => onReplaced?.(replacement.id, replacement.pid), () => undefined);
  };
  cluster.on('exit', onExit);

  let ports: { port: number; tcpPort: number };
  try {
    ports = await fork(); // the first alone: a port that is taken is then reported once, as it is
    await Promise.all(Array.from({ length: (config.workers ?? 1) - 1 }, fork));
  } catch (error) {
    closing = true;
    for (const worker of links.keys()) worker.process.kill('SIGKILL');
    cluster.off('exit', onExit);
    await primary.close();
    throw error;
  }
  const { port, tcpPort } = ports;
  let stopped: Promise<void> | undefined;
  return {
    port,
    tcpPort,
    urls: joinUrls(config.host, port),
    stunPort: primary.stunPort,
    primary,
    pids: () => new Map([...links.keys()].map((worker) => [worker.id, worker.process.pid!])),
    close: () => (stopped ??= stop()),
  };

  async function stop(): Promise<void> {
    closing = true;
    await Promise.all([...links.keys()].map(async (worker) => {
      const exited = once(worker, 'exit');
      if (worker.isConnected()) worker.send({ type: 'stop' });
      else worker.process.kill('SIGKILL');
      await exited;
    }));
    cluster.off('exit', onExit); // a process that starts clusters one after the other (a test's) keeps no listener of each
    await primary.close();
  }
}

function ignore(): void {}

/**
 * `config` with its ports 0 (any) replaced by free port numbers, found once, here. Cluster shares
 * one listening socket per port number the workers ask for: every worker, and any worker that
 * replaces one, must ask for the same number, even after every worker died and the socket closed.
 */
async function withPorts(config: Config): Promise<Config> {
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const tcpPort = config.tcpPort ?? tcpPortFor(config.port);
  return { ...config, port, tcpPort: tcpPort === 0 ? await freePort(config.host) : tcpPort };
}

/** A TCP port nobody listens on right now, as the operating system picks one for port 0. */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
