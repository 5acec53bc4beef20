import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { LogFile } from '../../labs/04-rooms-p2p/server/log-file.ts';
const dir = await mkdtemp(join(tmpdir(), 'logcheck-'));
const log = new LogFile(dir, new Date());
const all: Promise<void>[] = [];
let n = 0;
for (let burst = 0; burst < 50; burst++) {
  for (let i = 0; i < 200; i++) all.push(log.append(`line ${n++}`));
  if (burst % 3 === 0) await new Promise((r) => setImmediate(r));
}
await Promise.all(all);
await log.append('after');
await log.close();
const lines = (await readFile(await log.path, 'utf8')).split('\n');
assert.equal(lines.pop(), '');
assert.deepEqual(lines, [...Array.from({ length: n }, (_, i) => `line ${i}`), 'after']);
const bad = new LogFile(join(dir, 'missing'), new Date());
await assert.rejects(bad.append('x'));
await assert.rejects(bad.append('y'));
await bad.close();
console.log('ok', n + 1, 'lines in order');
await rm(dir, { recursive: true });
