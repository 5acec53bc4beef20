import { availableParallelism, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const LAB_DIR = fileURLToPath(new URL('..', import.meta.url));

/** This lab's folder name, e.g. `01-static`. */
export const LAB_NAME = basename(LAB_DIR);

/** The repository's root: `.env` is read from here and `logs/` lives here. */
export const REPO_ROOT = resolve(LAB_DIR, '../..');

/** The npm script that starts this lab, for messages: `npm run lab:01`. */
export const LAB_SCRIPT = `npm run lab:${LAB_NAME.slice(0, 2)}`;

export interface Config {
  port: number;
  /** Where terminals connect over plain TCP (`nc`): {@link tcpPortFor} when left out. */
  tcpPort?: number;
  host: string;
  logDir: string;
  /** Where accounts are kept across restarts. */
  dataDir: string;
  /** The n-gate: nobody sees a message until this many users are connected; 0 for no gate. */
  gate: number;
  /** The UDP port of the STUN server (`server/stun.ts`): the HTTP port's number when unset; null for none. */
  stunPort?: number | null;
  /**
   * Frames one person may send a second on average; three times as many at once (see
   * `RateLimit`). {@link RATE_LIMIT} when left out.
   */
  rateLimit?: number;
  /** Worker processes that accept connections (`--workers N`, `WORKERS`): one per core unless given. */
  workers?: number;
}

/** Frames a person may send a second unless `RATE_LIMIT` says otherwise. A person types far slower. */
export const RATE_LIMIT = 20;

/** The most `RATE_LIMIT` may be: enough for a benchmark to measure past it. */
const MAX_RATE_LIMIT = 1_000_000;

/** A setting or flag the lab cannot start with; its message says what to change. */
export class ConfigError extends Error {}

const USAGE = `usage: ${LAB_SCRIPT} -- [--host] [--port N] [--tcp-port N] [-n N | --gate N] [--workers N]`;

/** The most worker processes `--workers` may ask for: each one is a whole Node process (~50 MiB). */
const MAX_WORKERS = 64;

/**
 * The lab's settings, from flags first, then the environment (`.env` included; an empty value
 * counts as unset), then defaults:
 * `PORT` 3000, `TCP_PORT` the HTTP port + 1, `HOST` 127.0.0.1 (`--host` listens on every interface
 * for both), `LOG_DIR` `logs/<lab>/`,
 * `DATA_DIR` `data/<lab>/`, `GATE` 0 (`-n N` or `--gate N`: no gate), `RATE_LIMIT` 20 (frames a
 * second per connection), `STUN_PORT` the same number as the port (`off`: no STUN server),
 * `WORKERS` (`--workers N`) one worker process per core (`os.availableParallelism()`).
 */
export function readConfig(env: NodeJS.ProcessEnv, argv: string[], cwd = process.cwd()): Config {
  const flags = parseFlags(argv);
  const port = readPort(flags.port ?? (env.PORT || '3000'));
  const tcp = flags['tcp-port'] ?? env.TCP_PORT;
  return {
    port,
    tcpPort: tcp ? readPort(tcp, 'TCP_PORT') : tcpPortFor(port),
    host: flags.host ? '0.0.0.0' : env.HOST || '127.0.0.1',
    logDir: env.LOG_DIR ? resolve(cwd, env.LOG_DIR) : resolve(REPO_ROOT, 'logs', LAB_NAME),
    dataDir: env.DATA_DIR ? resolve(cwd, env.DATA_DIR) : resolve(REPO_ROOT, 'data', LAB_NAME),
    gate: readGate(flags.gate ?? (env.GATE || '0')),
    rateLimit: readRateLimit(env.RATE_LIMIT || String(RATE_LIMIT)),
    stunPort: env.STUN_PORT === 'off' ? null : env.STUN_PORT ? readPort(env.STUN_PORT, 'STUN_PORT') : port,
    workers: readWorkers(flags.workers ?? (env.WORKERS || String(availableParallelism()))),
  };
}

function parseFlags(argv: string[]) {
  try {
    const options = { host: { type: 'boolean' }, port: { type: 'string' }, 'tcp-port': { type: 'string' }, gate: { type: 'string', short: 'n' }, workers: { type: 'string' } } as const;
    return parseArgs({ args: argv, options }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${USAGE}`);
  }
}

function readPort(raw: string, name = 'PORT'): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) {
    throw new ConfigError(`${name} must be a whole number from 0 to 65535, not "${raw}".`);
  }
  return port;
}

/** The TCP port unless `TCP_PORT` says otherwise: the next one after HTTP's (and any free one when HTTP takes any, port 0). */
export function tcpPortFor(port: number): number {
  return port === 0 ? 0 : (port + 1) % 65536;
}

function readGate(raw: string): number {
  const gate = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || gate > 10_000) {
    throw new ConfigError(`The gate (-n, --gate or GATE) must be a whole number of users from 0 (no gate) to 10000, not "${raw}".`);
  }
  return gate;
}

function readWorkers(raw: string): number {
  const workers = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || workers < 1 || workers > MAX_WORKERS) {
    throw new ConfigError(`The number of workers (--workers or WORKERS) must be a whole number of processes from 1 to ${MAX_WORKERS}, not "${raw}".`);
  }
  return workers;
}

function readRateLimit(raw: string): number {
  const rate = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || rate < 1 || rate > MAX_RATE_LIMIT) {
    throw new ConfigError(`RATE_LIMIT must be a whole number of frames a second per person, from 1 to ${MAX_RATE_LIMIT}, not "${raw}".`);
  }
  return rate;
}

/**
 * The addresses to open the lab at. Listening on every interface (`0.0.0.0`) gives this
 * computer's own URL first, then one per LAN address for the other machines, the likeliest first.
 */
export function joinUrls(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}/`];
  return [`http://localhost:${port}/`, ...lanAddresses(interfaces).map(({ address }) => `http://${address}:${port}/`)];
}

/** Interfaces that Docker, VPNs and virtual machines add: the other devices on the LAN cannot use them. */
const VIRTUAL = /^(docker|br-|veth|virbr|vmnet|vboxnet|vnic|tun|tap|utun|wg|tailscale|zt|nordlynx|ppp|lxc|lxd|podman|cni|flannel|cali|vethernet)/i;

/** One of this computer's IPv4 addresses, and the interface it is on. */
export interface LanAddress {
  address: string;
  interface: string;
  /** Docker, a VPN or a virtual machine made it. */
  virtual: boolean;
}

/**
 * This computer's IPv4 addresses for other devices, the likeliest first: a real network card
 * before a virtual one, then a home or classroom range (192.168.x.x, 10.x.x.x, 172.16–31.x.x)
 * before any other.
 */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): LanAddress[] {
  const range = (address: string) => ['192.168.', '10.', '172.'].findIndex((prefix) => address.startsWith(prefix));
  const rank = ({ address, virtual }: LanAddress) => (virtual ? 10 : 0) + (range(address) === -1 ? 3 : range(address));
  return Object.entries(interfaces)
    .flatMap(([name, infos = []]) => infos.filter((info) => info.family === 'IPv4' && !info.internal).map((info) => ({ address: info.address, interface: name, virtual: VIRTUAL.test(name) })))
    .sort((a, b) => rank(a) - rank(b));
}
