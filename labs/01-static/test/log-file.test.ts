import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { messageLine, parseLine } from '../server/core/log-format.ts';

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

describe('01 static: log file', () => {
  it('keeps one message per line when the disk fills up in the middle of one', { skip: process.platform === 'win32' && 'needs sh and ulimit' }, async (t) => {
    const path = join(await tempDir(t, 'lab01-log'), 'agent.log');
    const at = new Date(2026, 10, 22, 14, 3, 7);
    const fill = Array.from({ length: 90 }, (_, i) => messageLine(at, 'agent', `line ${i} ${'x'.repeat(40)}`));
    const long = messageLine(at, 'agent', 'y'.repeat(1900)); // crosses the 8 KiB limit: only part of it fits
    const after = messageLine(at, 'agent', 'still one line');
    const output = await runOnFullDisk(8192, `
      import { LogFile } from ${JSON.stringify(import.meta.resolve('../server/log-file.ts'))};
      const log = new LogFile(${JSON.stringify(path)});
      for (const line of ${JSON.stringify([...fill, long, after])}) {
        console.log(await log.append(line).then(() => 'written', (error) => error.code));
      }
    `);
    assert.deepEqual(output.split('\n').slice(-3), ['EFBIG', 'written', ''], 'the long line is refused, the next one written');
    const contents = await readFile(path, 'utf8');
    assert.ok(contents.endsWith('\n'), 'the file ends with a whole line');
    const entries = contents.slice(0, -1).split('\n').map((line) => parseLine(line));
    assert.deepEqual(entries.map((entry) => entry && { from: entry.from, text: entry.text }), [
      ...fill.map((line) => ({ from: 'agent', text: parseLine(line)!.text })),
      { from: null, text: '1 line(s) lost here: the log could not be written' },
      { from: 'agent', text: 'still one line' },
    ]);
  });
});
