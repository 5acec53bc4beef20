/**
 * What every lab's tests need and no lab's code may use: temporary folders and a headless Chromium.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

/** Anything a test can register cleanup with: a test's `t`, or a suite's `after`. */
type Cleanup = Pick<TestContext, 'after'>;

/** A fresh folder under the OS temp dir, removed when the test ends. */
export async function tempDir(t: Cleanup, label = 'chat-lab'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${label}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Flags that keep Chromium quiet and working on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium to drive: `CHROMIUM_PATH`, else the usual Debian and Ubuntu places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!));
}

let warned = false;

/**
 * Launches headless Chromium, closed when the test ends. Without a Chromium the test is skipped
 * with a loud notice, unless `E2E=required` (as in CI), where it fails instead.
 */
export async function openBrowser(
  t: Pick<TestContext, 'after' | 'skip'>,
  {
    webrtc = false,
    wrap = async (chromium: string) => chromium,
  }: {
    /** Lets two pages on this machine open a WebRTC link over loopback. */
    webrtc?: boolean;
    /** Returns the program to start instead of Chromium's own path, e.g. a script that runs it elsewhere. */
    wrap?: (chromium: string) => Promise<string>;
  } = {},
): Promise<Browser | undefined> {
  const chromiumPath = findChromium();
  if (!chromiumPath) {
    const reason = 'no Chromium found (install Debian\'s "chromium" or set CHROMIUM_PATH)';
    if (process.env.E2E === 'required') throw new Error(`E2E=required but ${reason}`);
    if (!warned) {
      warned = true;
      console.warn(`\n!!! BROWSER TESTS SKIPPED: ${reason}. They prove what a student sees. !!!\n`);
    }
    t.skip(reason);
    return undefined;
  }
  const args = webrtc ? [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection'] : CHROMIUM_ARGS;
  const browser = await chromium.launch({ executablePath: await wrap(chromiumPath), args });
  t.after(() => browser.close());
  return browser;
}
