import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAB_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_DIR = join(LAB_DIR, 'client');

/** Where the built web client goes, and what the server serves. */
export const DIST_DIR = join(CLIENT_DIR, 'dist');

/** What the build is made from: when any of it is newer than the build, it is built again. */
const SOURCES = [join(CLIENT_DIR, 'src'), join(CLIENT_DIR, 'public'), join(CLIENT_DIR, 'index.html'), join(CLIENT_DIR, 'vite.config.ts'), join(LAB_DIR, 'shared')];

/**
 * Builds the web client with Vite when its sources changed since the last build, so that
 * `npm run lab:04` always serves the code you are reading. Builds into a fresh folder and swaps
 * it in, so the server never serves half a build. Resolves to whether it built.
 */
export async function buildClientIfStale(say: (line: string) => void = console.log): Promise<boolean> {
  const built = await modified(join(DIST_DIR, 'index.html'));
  const newest = Math.max(...(await Promise.all(SOURCES.map(modified))));
  if (built >= newest) return false;
  say('Building the web client with Vite (client/ changed)…');
  const { build } = await import('vite');
  const fresh = `${DIST_DIR}-${process.pid}`;
  await build({ configFile: join(CLIENT_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir: fresh, emptyOutDir: true } });
  await rm(DIST_DIR, { recursive: true, force: true });
  await rename(fresh, DIST_DIR);
  return true;
}

/** The newest modification time of a file, or of anything in a folder; 0 when it is missing. */
async function modified(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((entry) => modified(join(path, entry))))));
}
