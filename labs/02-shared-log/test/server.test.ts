import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { parseLine } from '../server/core/log-format.ts';
import { ConfigError } from '../server/config.ts';
import { startServer } from '../server/server.ts';

async function start(t: TestContext) {
  const logDir = join(await tempDir(t, 'lab02-server'), 'created', 'on', 'start');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir });
  t.after(() => server.close());
  const base = server.urls[0]!.replace(/\/$/, '');
  const send = (role: string, message: string) =>
    fetch(`${base}/${role}`, { method: 'POST', body: new URLSearchParams({ message }), redirect: 'manual' });
  return { server, logDir, base, send };
}

describe('02 shared log: real server', () => {
  it('two writers x 500 concurrent posts end as exactly 1000 intact lines', async (t) => {
    const { server, logDir, send } = await start(t);
    const texts = (role: string) => Array.from({ length: 500 }, (_, i) => `${role} #${i} ${'long words '.repeat(i % 40)}\nwith a newline`);
    const posts = ['user', 'agent'].flatMap((role) => texts(role).map((text) => send(role, text)));
    const responses = await Promise.all(posts);
    assert.ok(responses.every((res) => res.status === 303));
    await server.close();

    const lines = (await readFile(join(logDir, 'chat.log'), 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.equal(lines.length, 1000);
    const entries = lines.map((line) => parseLine(line));
    assert.ok(entries.every((entry) => entry !== undefined), 'every line parses');
    const seen = new Set(entries.map((entry) => `${entry!.from}|${entry!.text}`));
    for (const role of ['user', 'agent']) {
      for (const text of texts(role)) assert.ok(seen.has(`${role}|${text}`), `${role} wrote ${text.slice(0, 12)}`);
    }
  });

  it('says which variable to change when the port is taken', async (t) => {
    const { server, logDir } = await start(t);
    await assert.rejects(startServer({ port: server.port, host: '127.0.0.1', logDir }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`Port ${server.port} is already in use.*PORT=${server.port + 1} npm run lab:02`));
      return true;
    });
  });

  it('flushes and closes the log on close, with a keep-alive connection open', async (t) => {
    const { server, logDir, base, send } = await start(t);
    await send('user', 'last words');
    await fetch(`${base}/user`, { headers: { connection: 'keep-alive' } });
    await server.close();
    assert.match(await readFile(join(logDir, 'chat.log'), 'utf8'), /<user> last words\n$/);
    await assert.rejects(fetch(`${base}/user`));
  });
});
