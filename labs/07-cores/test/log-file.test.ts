import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { logLine, parseLine } from '../server/core/log-format.ts';
import { LogFile } from '../server/log-file.ts';

const START = new Date(2026, 10, 22, 9, 30, 0);

/**
 * Runs `code` (an ES module) in a child process that may not write past `maxBytes` in any file
 * (`ulimit -f`): a disk that fills up, for real, without root. Resolves to what it printed.
 */
async function runOnFullDisk(maxBytes: number, code: string): Promise<string> {
  const node = [process.execPath, '--import', import.meta.resolve('tsx'), '--input-type=module', '--eval', code];
  const child = spawn('sh', ['-c', `ulimit -f ${maxBytes / 512} && exec "$0" "$@"`, ...node], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [status] = await once(child, 'close');
  assert.equal(status, 0, 'the child process ran to the end');
  return output;
}

/** Counts the writes every open file handle makes, for the rest of the test. */
async function countWrites(t: TestContext, dir: string) {
  const probe = await open(join(dir, 'probe'), 'w');
  await probe.close();
  return t.mock.method(Object.getPrototypeOf(probe) as { appendFile: () => Promise<void> }, 'appendFile');
}

describe('07 cores: log file', () => {
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

  it('gives each of 150 runs started in the same second its own file, and writes every line', async (t) => {
    const dir = await tempDir(t, 'log-file');
    const logs = Array.from({ length: 150 }, () => new LogFile(dir, START));
    await Promise.all(logs.map((log, i) => log.append(`line ${i}`)));
    await Promise.all(logs.map((log) => log.close()));
    const paths = await Promise.all(logs.map((log) => log.path));
    assert.equal(new Set(paths).size, 150, 'no two share a file');
    assert.deepEqual(await Promise.all(paths.map((path) => readFile(path, 'utf8'))), logs.map((_, i) => `line ${i}\n`));
  });

  it('keeps one message per line when the disk fills up in the middle of a batch', { skip: process.platform === 'win32' && 'needs sh and ulimit' }, async (t) => {
    const dir = await tempDir(t, 'log-file');
    const say = (from: string, text: string) => logLine({ room: 'lobby', seq: 1, time: START.getTime(), kind: 'message', from, text });
    const fill = Array.from({ length: 90 }, (_, i) => say('alice', `line ${i} ${'x'.repeat(40)}`));
    const long = say('bob', 'y'.repeat(1900)); // crosses the 8 KiB limit: only part of it fits
    const after = say('alice', 'still one line');
    // the long line and the next go out in one write (group commit): both are refused
    const groups = [...fill.map((line) => [line]), [long, say('alice', 'in the same write')], [after]];
    const output = await runOnFullDisk(8192, `
      import { LogFile } from ${JSON.stringify(import.meta.resolve('../server/log-file.ts'))};
      const log = new LogFile(${JSON.stringify(dir)}, new Date(${START.getTime()}));
      for (const group of ${JSON.stringify(groups)}) {
        const results = await Promise.all(group.map((line) => log.append(line).then(() => 'written', (error) => error.code)));
        console.log(results.join('\\n'));
      }
      await log.close();
    `);
    assert.deepEqual(output.split('\n').slice(-4), ['EFBIG', 'EFBIG', 'written', ''], 'the batch that does not fit is refused, the next one written');
    const [name] = await readdir(dir);
    const contents = await readFile(join(dir, name!), 'utf8');
    assert.ok(contents.endsWith('\n'), 'the file ends with a whole line');
    const entries = contents.slice(0, -1).split('\n').map((line) => parseLine(line));
    assert.deepEqual(entries.map((entry) => entry && { room: entry.room, from: entry.from, text: entry.text }), [
      ...fill.map((line) => ({ room: 'lobby', from: 'alice', text: parseLine(line)!.text })),
      { room: null, from: null, text: '2 line(s) lost here: the log could not be written' },
      { room: 'lobby', from: 'alice', text: 'still one line' },
    ]);
  });
});
