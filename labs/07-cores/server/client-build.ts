import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAB_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_DIR = join(LAB_DIR, 'client');

/** Where the built web client goes, and what the server serves. */
export const DIST_DIR = join(CLIENT_DIR, 'dist');

/** What the build is made from: when any of it is newer than the build, it is built again. */
const SOURCES = [join(CLIENT_DIR, 'src'), join(CLIENT_DIR, 'public'), join(CLIENT_DIR, 'index.html'), join(CLIENT_DIR, 'vite.config.ts'), join(LAB_DIR, 'shared')];

/** Held while one process builds, so that two labs or test files started at once never build over each other. */
const LOCK = `${DIST_DIR}.lock`;
const LOCK_WAIT_MS = 120_000;

/**
 * Builds the web client with Vite when its sources changed since the last build, so that
 * `npm run lab:07` always serves the code you are reading. Builds into a fresh folder and swaps
 * it in, so the server never serves half a build. Resolves to whether it built.
 */
export async function buildClientIfStale(say: (line: string) => void = console.log): Promise<boolean> {
  if (!(await isStale())) return false;
  return withLock(async () => {
    if (!(await isStale())) return false;
    say('Building the web client with Vite (client/ changed)…');
    const { build } = await import('vite');
    const fresh = `${DIST_DIR}-${process.pid}`;
    try {
      await build({ configFile: join(CLIENT_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir: fresh, emptyOutDir: true } });
      await rm(DIST_DIR, { recursive: true, force: true });
      await rename(fresh, DIST_DIR);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
    return true;
  });
}

async function isStale(): Promise<boolean> {
  const built = await modified(join(DIST_DIR, 'index.html'));
  const newest = Math.max(...(await Promise.all(SOURCES.map(modified))));
  return built < newest;
}

/** Runs `work` while holding the build lock (a folder: creating one is atomic), waiting for another builder first. */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`another build has held ${LOCK} for two minutes: if no lab is starting, delete it`);
      await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** The newest modification time of a file, or of anything in a folder; 0 when it is missing. */
async function modified(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((entry) => modified(join(path, entry))))));
}
