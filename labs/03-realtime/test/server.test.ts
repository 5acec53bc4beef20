import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { ConfigError } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import { TestClient } from './ws-client.ts';

async function start(t: TestContext) {
  const logDir = join(await tempDir(t, 'lab03-server'), 'created', 'on', 'start');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 });
  t.after(() => server.close());
  return { server, logDir };
}

describe('03 realtime: real server', () => {
  it('creates LOG_DIR and writes no log until a session starts', async (t) => {
    const { server, logDir } = await start(t);
    const user = await TestClient.connect(server.urls[0]!, 'role=user');
    t.after(() => user.close());
    await user.next('welcome');
    assert.deepEqual(await readdir(logDir), []);
  });

  it('says which variable to change when the port is taken', async (t) => {
    const { server, logDir } = await start(t);
    await assert.rejects(startServer({ port: server.port, host: '127.0.0.1', logDir, graceSeconds: 30 }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`Port ${server.port} is already in use.*PORT=${server.port + 1} npm run lab:03`));
      return true;
    });
  });

  it('on close (Ctrl-C), ends the session, says goodbye with 1001, and flushes the log', async (t) => {
    const { server } = await start(t);
    const user = await TestClient.connect(server.urls[0]!, 'role=user');
    const started = once(server.hub, 'session-start');
    for (let i = 0; i < 100; i++) user.send({ type: 'send', text: `last words ${i}` });
    const [, path] = await started;
    await user.entries(101);
    const closed = once(user.socket, 'close');
    await server.close();
    assert.equal((await closed)[0], 1001);
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.equal(lines.length, 103, 'start, 100 messages, end, and the final newline');
    assert.match(lines[101]!, / \* server stopped: the chat ended$/);
  });
});
