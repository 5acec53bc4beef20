import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { messageLine, parseLine } from '../server/core/log-format.ts';
import { LogFile } from '../server/log-file.ts';

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
    const [lost, back, end] = (await readFile(path, 'utf8')).split('\n');
    assert.deepEqual([parseLine(lost!)?.text, back, end], ['1 line(s) lost here: the log could not be written', 'back', '']);
  });

  it('keeps one message per line when the disk fills up in the middle of one', { skip: process.platform === 'win32' && 'needs sh and ulimit' }, async (t) => {
    const { path } = await logIn(t);
    const at = new Date(2026, 10, 22, 14, 3, 7);
    const fill = Array.from({ length: 90 }, (_, i) => messageLine(at, 'user', `line ${i} ${'x'.repeat(40)}`));
    const long = messageLine(at, 'agent', 'y'.repeat(1900)); // crosses the 8 KiB limit: only part of it fits
    const after = messageLine(at, 'user', 'still one line');
    const output = await runOnFullDisk(8192, `
      import { LogFile } from ${JSON.stringify(import.meta.resolve('../server/log-file.ts'))};
      const log = new LogFile(${JSON.stringify(path)});
      for (const line of ${JSON.stringify([...fill, long, after])}) {
        console.log(await log.append(line).then(() => 'written', (error) => error.code));
      }
      await log.close();
    `);
    assert.deepEqual(output.split('\n').slice(-3), ['EFBIG', 'written', ''], 'the long line is refused, the next one written');
    const contents = await readFile(path, 'utf8');
    assert.ok(contents.endsWith('\n'), 'the file ends with a whole line');
    const entries = contents.slice(0, -1).split('\n').map((line) => parseLine(line));
    assert.deepEqual(entries.map((entry) => entry && { from: entry.from, text: entry.text }), [
      ...fill.map((line) => ({ from: 'user', text: parseLine(line)!.text })),
      { from: null, text: '1 line(s) lost here: the log could not be written' },
      { from: 'user', text: 'still one line' },
    ]);
  });
});
