import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { messageLine, parseLine } from '../server/core/log-format.ts';
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

describe('03 realtime: log file', () => {
  it('gives each of 150 sessions started in the same second its own file, and writes every line', async (t) => {
    const dir = await tempDir(t, 'log-file');
    const logs = Array.from({ length: 150 }, () => new LogFile(dir, START));
    await Promise.all(logs.map((log, i) => log.append(`line ${i}`)));
    await Promise.all(logs.map((log) => log.close()));
    const paths = await Promise.all(logs.map((log) => log.path));
    assert.equal(new Set(paths).size, 150, 'no two share a file');
    assert.deepEqual(await Promise.all(paths.map((path) => readFile(path, 'utf8'))), logs.map((_, i) => `line ${i}\n`));
  });

  it('keeps one message per line when the disk fills up in the middle of one', { skip: process.platform === 'win32' && 'needs sh and ulimit' }, async (t) => {
    const dir = await tempDir(t, 'log-file');
    const say = (from: string, text: string) => messageLine(START, from, text);
    const fill = Array.from({ length: 90 }, (_, i) => say('user', `line ${i} ${'x'.repeat(40)}`));
    const long = say('agent', 'y'.repeat(1900)); // crosses the 8 KiB limit: only part of it fits
    const after = say('user', 'still one line');
    const groups = [...fill, long, after].map((line) => [line]);
    const output = await runOnFullDisk(8192, `
      import { LogFile } from ${JSON.stringify(import.meta.resolve('../server/log-file.ts'))};
      const log = new LogFile(${JSON.stringify(dir)}, new Date(${START.getTime()}));
      for (const group of ${JSON.stringify(groups)}) {
        const results = await Promise.all(group.map((line) => log.append(line).then(() => 'written', (error) => error.code)));
        console.log(results.join('\\n'));
      }
      await log.close();
    `);
    assert.deepEqual(output.split('\n').slice(-3), ['EFBIG', 'written', ''], 'the long line is refused, the next one written');
    const [name] = await readdir(dir);
    const contents = await readFile(join(dir, name!), 'utf8');
    assert.ok(contents.endsWith('\n'), 'the file ends with a whole line');
    const entries = contents.slice(0, -1).split('\n').map((line) => parseLine(line));
    assert.deepEqual(entries.map((entry) => entry && { from: entry.from, text: entry.text }), [
      ...fill.map((line) => ({ from: 'user', text: parseLine(line)!.text })),
      { from: null, text: '1 line(s) lost here: the log could not be written' },
      { from: 'user', text: 'still one line' },
    ]);
  });
});
