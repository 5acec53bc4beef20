import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { LogFile } from '../server/log-file.ts';

async function logIn(t: TestContext) {
  const path = join(await tempDir(t, 'lab02-log'), 'chat.log');
  const log = new LogFile(path);
  t.after(() => log.close());
  return { path, log };
}

describe('02 shared log: log file', () => {
  it('tails a missing file as empty', async (t) => {
    const { log } = await logIn(t);
    assert.equal(await log.tail(10), '');
  });

  it('appends lines in the order they were asked for, even when nobody waits in between', async (t) => {
    const { path, log } = await logIn(t);
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(`line ${i}`)));
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines, Array.from({ length: 300 }, (_, i) => `line ${i}`));
  });

  it('tails the last lines across chunk boundaries, with multi-byte characters split between chunks', async (t) => {
    const { path, log } = await logIn(t);
    const lines = Array.from({ length: 2000 }, (_, i) => `${i} ${'é中🙂'.repeat(i % 50)}`);
    await writeFile(path, lines.map((line) => `${line}\n`).join(''));
    for (const n of [1, 7, 200, 1999, 2000, 5000]) {
      const expected = lines.slice(-n).map((line) => `${line}\n`).join('');
      assert.equal(await log.tail(n), expected, `last ${n}`);
    }
  });

  it('leaves out a last line that is still being written (no newline yet)', async (t) => {
    const { path, log } = await logIn(t);
    await writeFile(path, 'one\ntwo\nthr');
    assert.equal(await log.tail(5), 'one\ntwo\n');
  });

  it('writes everything queued before it closes', async (t) => {
    const { path, log } = await logIn(t);
    for (let i = 0; i < 50; i++) void log.append(`queued ${i}`);
    await log.close();
    assert.equal((await readFile(path, 'utf8')).split('\n').length, 51);
  });

  it('recovers when the log folder comes back after a failed write, and still closes cleanly', async (t) => {
    const { path, log } = await logIn(t);
    await rm(dirname(path), { recursive: true });
    await assert.rejects(log.append('lost'), { code: 'ENOENT' });
    await mkdir(dirname(path));
    await log.append('back');
    await log.close();
    assert.equal(await readFile(path, 'utf8'), 'back\n');
  });
});
