/**
 * A classroom LAN on one machine, built from Linux network namespaces: the computer running the
 * lab is this process's namespace, with an address on a bridge; each student's laptop is a
 * namespace of its own, plugged into the bridge by a veth pair, where a Chromium can run. Only
 * addresses made up here are used, and the hosts' default route leads into a device that drops
 * everything, so no packet leaves the machine.
 */
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { openBrowser, tempDir } from './index.ts';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

export interface LanOptions {
  /** How many laptops. */
  hosts?: number;
  /** False: the bridge does not pass multicast, as many campus and guest Wi-Fi networks do. */
  multicast?: boolean;
  /** False: the laptops have no default route (a LAN without a router). */
  gateway?: boolean;
}

export interface LanHost {
  /** The laptop's address on the LAN. */
  address: string;
  /** Starts a headless Chromium on this laptop, closed when the test ends. */
  openBrowser(t: Pick<TestContext, 'after' | 'skip'>): Promise<Browser | undefined>;
  /**
   * From now on this laptop drops every UDP packet that comes from `port` on `address`, as a
   * firewall or a lossy Wi-Fi would. Needs `iptables`: without it, false and the test skipped (as
   * `buildLan` skips it).
   */
  dropUdpFrom(t: Pick<TestContext, 'skip'>, address: string, port: number): Promise<boolean>;
}

export interface Lan {
  /** The address of the computer running the lab: listen there. */
  server: string;
  hosts: LanHost[];
}

let built = 0;
const warned = new Set<string>();

/** Skips the test with a loud notice (once per reason), or fails it under `E2E=required`. */
function cannot(t: Pick<TestContext, 'skip'>, reason: string): undefined {
  if (process.env.E2E === 'required') throw new Error(`E2E=required but ${reason}`);
  if (!warned.has(reason)) {
    warned.add(reason);
    console.warn(`\n!!! LAN TESTS SKIPPED: ${reason}. !!!\n`);
  }
  t.skip(reason);
  return undefined;
}

/**
 * Builds the LAN, torn down when the test ends. Needs root and iproute2: without them the test is
 * skipped with a loud notice, unless `E2E=required` (as in CI), where it fails instead.
 */
export async function buildLan(t: Pick<TestContext, 'after' | 'skip'>, { hosts = 2, multicast = true, gateway = true }: LanOptions = {}): Promise<Lan | undefined> {
  if (process.getuid?.() !== 0 || !(await ip('-V').then(() => true, () => false))) {
    return cannot(t, 'building a LAN of network namespaces needs root and iproute2 ("ip")');
  }
  const id = `${process.pid % 100_000}${built++}`;
  const subnet = await freeSubnet();
  const bridge = `clb${id}`;
  const namespaces: string[] = [];
  t.after(async () => {
    for (const namespace of namespaces) await ip('netns', 'del', namespace).catch(() => undefined);
    await ip('link', 'del', bridge).catch(() => undefined);
  });
  await ip('link', 'add', bridge, 'type', 'bridge', 'mcast_snooping', '0');
  await ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
  await ip('link', 'set', bridge, 'up');
  const lan: Lan = { server: `${subnet}.1`, hosts: [] };
  for (let i = 1; i <= hosts; i++) {
    const namespace = `chatlab-${id}-${i}`;
    const port = `clv${id}h${i}`;
    const address = `${subnet}.${10 + i}`;
    namespaces.push(namespace);
    await ip('netns', 'add', namespace);
    await ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
    await ip('link', 'set', port, 'master', bridge, 'up');
    if (!multicast) await run('bridge', ['link', 'set', 'dev', port, 'mcast_flood', 'off']);
    await ip('-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
    await ip('-n', namespace, 'link', 'set', 'lo', 'up');
    if (gateway) {
      await ip('-n', namespace, 'link', 'add', 'nowhere', 'type', 'ifb');
      await ip('-n', namespace, 'link', 'set', 'nowhere', 'up');
      await ip('-n', namespace, 'route', 'add', 'default', 'dev', 'nowhere');
    }
    lan.hosts.push({
      address,
      openBrowser: (test) => openBrowserIn(test, namespace),
      dropUdpFrom: async (test, from, fromPort) => {
        if (!(await run('iptables', ['--version']).then(() => true, () => false))) {
          cannot(test, 'dropping packets on a laptop needs iptables');
          return false;
        }
        await ip('netns', 'exec', namespace, 'iptables', '-w', '-A', 'INPUT', '-p', 'udp', '-s', from, '--sport', String(fromPort), '-j', 'DROP');
        return true;
      },
    });
  }
  return lan;
}

/** Chromium, started through `ip netns exec` by a small wrapper script. */
async function openBrowserIn(t: Pick<TestContext, 'after' | 'skip'>, namespace: string): Promise<Browser | undefined> {
  const dir = await tempDir(t, 'chat-lab-netns');
  const wrapper = join(dir, 'chromium');
  return openBrowser(t, {
    wrap: async (chromium) => {
      await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec ${namespace} ${chromium} "$@"\n`);
      await chmod(wrapper, 0o755);
      return wrapper;
    },
  });
}

/** A `10.x.y` prefix no interface of this machine uses yet. */
async function freeSubnet(): Promise<string> {
  const { stdout } = await ip('-4', 'addr');
  for (;;) {
    const subnet = `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
    if (!stdout.includes(` ${subnet}.`)) return subnet;
  }
}
