import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { ConfigError, type Config } from '../server/config.ts';
import { parseLine } from '../server/core/log-format.ts';
import { startServer } from '../server/server.ts';
import { TestClient, signUp } from './ws-client.ts';

async function config(t: TestContext): Promise<Config> {
  const dir = await tempDir(t, 'lab07-server');
  return { port: 0, host: '127.0.0.1', logDir: `${dir}/logs/created/on/start`, dataDir: `${dir}/data/created/too`, gate: 0 };
}

describe('07 cores: real server', () => {
  it('says which variable to change when the port is taken', async (t) => {
    const settings = await config(t);
    const server = await startServer(settings);
    t.after(() => server.close());
    await assert.rejects(startServer({ ...settings, port: server.port, dataDir: `${settings.dataDir}-2` }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`Port ${server.port} is already in use.*PORT=${server.port + 2} npm run lab:07`));
      return true;
    });
  });

  it('says TCP_PORT when the TCP port is taken', async (t) => {
    const server = await startServer(await config(t));
    t.after(() => server.close());
    const settings = { ...(await config(t)), tcpPort: server.tcpPort };
    await assert.rejects(startServer(settings), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`Port ${server.tcpPort} is already in use.*TCP_PORT=${server.tcpPort + 2} npm run lab:07`));
      return true;
    });
  });

  it('keeps accounts across a restart: log in again and chat', async (t) => {
    const settings = await config(t);
    const first = await startServer(settings);
    await signUp(first.urls[0]!, 'Ada');
    await first.close();
    const second = await startServer(settings);
    t.after(() => second.close());
    const url = second.urls[0]!;
    assert.equal(second.accounts.get('ada')?.login, 'Ada');
    const login = await fetch(new URL('/api/login', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'ada', password: 'correct horse battery' }),
    });
    assert.equal(login.status, 200);
    const ada = await TestClient.connect(url, login.headers.get('set-cookie')!.split(';')[0]!);
    t.after(() => ada.close());
    assert.equal((await ada.next('welcome')).you, 'Ada');
  });

  it('writes one log per run, every line naming its room; on close says goodbye with 1001 and flushes', async (t) => {
    const server = await startServer(await config(t));
    const url = server.urls[0]!;
    const ada = await TestClient.connect(url, await signUp(url, 'ada'));
    for (let i = 0; i < 50; i++) ada.send({ type: 'send', text: `line ${i}\nwith a newline` });
    await ada.messages(50);
    const closed = once(ada.socket, 'close');
    const path = await server.logPath;
    await server.close();
    assert.equal((await closed)[0], 1001);
    assert.match(path, /chat_\d{8}-\d{6}\.log$/);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => parseLine(line));
    assert.equal(lines.length, 53, 'start, ada joined, 50 messages, stop');
    assert.deepEqual([lines[0]!.room, lines[0]!.text], [null, 'server started']);
    assert.ok(lines.slice(1, -1).every((line) => line!.room === 'lobby'));
    assert.deepEqual([lines.at(-1)!.room, lines.at(-1)!.text], [null, 'server stopped']);
  });
});
