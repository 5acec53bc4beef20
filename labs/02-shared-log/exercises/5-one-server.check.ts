import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { ConfigError } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/server.ts';

const LOCK = 'chat.log.lock';

async function start(t: TestContext, logDir: string, port = 0): Promise<RunningServer> {
  const server = await startServer({ port, host: '127.0.0.1', logDir });
  t.after(() => server.close());
  return server;
}

const lockOf = (logDir: string) => readFile(join(logDir, LOCK), 'utf8').then((text) => text.trim(), () => undefined);

/** The id of a process that has just ended: nobody runs under it now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

describe('02 shared log exercise 5: One server per log', () => {
  it('a second server on the same log folder is refused with a sentence that says what to do', async (t) => {
    const logDir = await tempDir(t, 'lab02-ex5');
    const first = await start(t, logDir);
    const second = startServer({ port: 0, host: '127.0.0.1', logDir });
    const refused = await second.then(
      (server) => server.close().then(() => undefined),
      (error: Error) => error,
    );
    assert.ok(refused, 'A second server started on the same LOG_DIR as a running one: refuse it, or two queues will write one chat.log.');
    assert.ok(refused instanceof ConfigError, `The refusal should be a ConfigError (from server/config.ts), so npm run lab:02 prints the sentence, not a stack trace. It was: ${refused.message}`);
    assert.match(refused.message, /LOG_DIR/, `The refusal says "${refused.message}": tell the person what to change, e.g. to give this server its own LOG_DIR.`);
    const res = await fetch(new URL('/user', first.urls[0]), { method: 'POST', body: new URLSearchParams({ message: 'still here' }), redirect: 'manual' });
    assert.equal(res.status, 303, 'The first server should go on working after refusing the second.');
  });

  it(`while it runs, the server holds ${LOCK} with its process id`, async (t) => {
    const logDir = await tempDir(t, 'lab02-ex5');
    await start(t, logDir);
    assert.equal(await lockOf(logDir), String(process.pid), `While the server runs, ${LOCK} in its log folder should hold its process id (process.pid), ${process.pid}.`);
  });

  it('closing the server frees the folder: the lock is gone and another server can start', async (t) => {
    const logDir = await tempDir(t, 'lab02-ex5');
    const first = await startServer({ port: 0, host: '127.0.0.1', logDir });
    await first.close();
    assert.equal(await lockOf(logDir), undefined, `After close(), ${LOCK} should be gone.`);
    await start(t, logDir);
  });

  it('two servers started at the same moment on one folder: exactly one runs', async (t) => {
    const logDir = await tempDir(t, 'lab02-ex5');
    const results = await Promise.allSettled([0, 1].map(() => startServer({ port: 0, host: '127.0.0.1', logDir })));
    for (const result of results) if (result.status === 'fulfilled') t.after(() => result.value.close());
    const running = results.filter((result) => result.status === 'fulfilled').length;
    assert.equal(
      running,
      1,
      `${running} of 2 servers started at the same moment got the folder. "Is there a lock? No, so write one" lets both through: create the lock file in one step that fails if it exists (open with the 'wx' flag).`,
    );
  });

  it('a lock left by a server that crashed (its process is gone) is taken over', async (t) => {
    const logDir = await tempDir(t, 'lab02-ex5');
    const pid = await deadPid();
    await writeFile(join(logDir, LOCK), `${pid}\n`);
    await start(t, logDir).catch((error: Error) => assert.fail(`${LOCK} holds process ${pid}, which no longer runs (a crash, kill -9), and the server refused to start: ${error.message}. Check whether that process is alive (process.kill(pid, 0)).`));
    assert.equal(await lockOf(logDir), String(process.pid), `After taking over a stale lock, ${LOCK} should hold this server's process id.`);
  });

  it('a server that cannot listen leaves no lock behind', async (t) => {
    const taken = await start(t, await tempDir(t, 'lab02-ex5'));
    const logDir = await tempDir(t, 'lab02-ex5');
    await assert.rejects(startServer({ port: taken.port, host: '127.0.0.1', logDir }), /already in use/);
    assert.equal(await lockOf(logDir), undefined, `The port was taken, so the server did not start, but it left ${LOCK} behind: release the lock when listening fails.`);
  });
});
