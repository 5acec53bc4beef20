import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.ts';

/** The file in the data folder that names the process using it. */
export const LOCK_FILE = 'server.lock';

/**
 * Takes the data folder for this process, so that two servers never save over each other's
 * accounts (say `npm run lab:04` and `npm run lab:04:dev` at once): `<dataDir>/server.lock`
 * holds the pid of the server using it. Another server's live lock refuses the start with a
 * {@link ConfigError}; a lock left by a process that is gone (a crash, `kill -9`) is taken over.
 * Resolves to the function that lets the folder go.
 *
 * The lock is written whole to a file of its own, then linked to its name: a link fails if the
 * name exists, so of two servers starting at once exactly one gets it, and nobody ever reads a
 * lock that is still empty.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCK_FILE);
  const mine = `${file}.${process.pid}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await link(mine, file);
        return () => unlock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = await owner(file);
      if (pid !== undefined && isRunning(pid)) {
        throw new ConfigError(`Another lab server (process ${pid}) is using ${dataDir}: stop it, or give this one its own folder with DATA_DIR (if no server runs, delete ${file}).`);
      }
      if (attempt === 2) throw new ConfigError(`Another lab server is starting with ${dataDir}: give this one its own folder with DATA_DIR.`);
      await rm(file, { force: true });
    }
  } finally {
    await rm(mine, { force: true });
  }
}

/** Removes the lock, if it is still this process's. */
async function unlock(file: string): Promise<void> {
  if ((await owner(file)) === process.pid) await rm(file, { force: true });
}

/** The pid a lock file names; undefined when it is gone or holds no pid. */
async function owner(file: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid runs: signal 0 checks without sending anything. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
