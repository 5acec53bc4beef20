import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { LogFile } from '../server/log-file.ts';

const START = new Date(2026, 10, 22, 9, 30, 0);

/** Counts the writes every open file handle makes, for the rest of the test. */
async function countWrites(t: TestContext, dir: string) {
  const probe = await open(join(dir, 'probe'), 'w');
  await probe.close();
  return t.mock.method(Object.getPrototypeOf(probe) as { appendFile: () => Promise<void> }, 'appendFile');
}

describe('06 tcp: log file', () => {
  it('writes the lines appended together in one write, in order (group commit)', async (t) => {
    const dir = await tempDir(t, 'log-file');
    const writes = await countWrites(t, dir);
    const log = new LogFile(dir, START);
    await log.path;
    await Promise.all(Array.from({ length: 1000 }, (_, i) => log.append(`line ${i}`)));
    assert.equal(writes.mock.callCount(), 1, '1000 lines appended in one turn, one write');
    await log.append('after');
    assert.equal(writes.mock.callCount(), 2);
    await log.close();
    const lines = (await readFile(await log.path, 'utf8')).split('\n');
    assert.deepEqual(lines, [...Array.from({ length: 1000 }, (_, i) => `line ${i}`), 'after', '']);
  });

  it('close() waits for every line appended before it', async (t) => {
    const dir = await tempDir(t, 'log-file');
    const log = new LogFile(dir, START);
    for (let i = 0; i < 50; i++) void log.append(`line ${i}`);
    await log.close();
    assert.equal((await readFile(await log.path, 'utf8')).split('\n').length, 51);
  });

  it('rejects the lines it cannot write, and each later one too', async (t) => {
    const dir = await tempDir(t, 'log-file');
    const log = new LogFile(join(dir, 'missing'), START);
    await assert.rejects(log.append('a'), { code: 'ENOENT' });
    await assert.rejects(log.append('b'), { code: 'ENOENT' });
    await log.close();
  });

  it('never shares a file with another run started in the same second', async (t) => {
    const dir = await tempDir(t, 'log-file');
    const [a, b] = [new LogFile(dir, START), new LogFile(dir, START)];
    assert.deepEqual([await a.path, await b.path].map((path) => path.slice(dir.length + 1)).sort(), ['chat_20261122-093000.log', 'chat_20261122-093000_2.log']);
    await Promise.all([a.close(), b.close()]);
  });
});
