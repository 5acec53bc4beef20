import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { ConfigError } from '../server/config.ts';
import { startServer } from '../server/server.ts';
import { TestClient, connectSilently } from './ws-client.ts';

/** No rate limit: these tests send 100 frames at once. */
const FAST = { perSecond: 1e6, burst: 1e6 };

async function start(t: TestContext) {
  const logDir = join(await tempDir(t, 'lab03-server'), 'created', 'on', 'start');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 }, { rate: FAST });
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

  it('ignores frames that arrive while it closes: no new session, and the log ends with its end line', async (t) => {
    const { server, logDir } = await start(t);
    const user = await TestClient.connect(server.urls[0]!, 'role=user');
    const started = once(server.hub, 'session-start');
    user.send({ type: 'send', text: 'hi' });
    await started;
    user.send({ type: 'end' });
    for (let i = 0; i < 200; i++) user.send({ type: 'send', text: `too late ${i}` });
    await server.close();
    const files = await readdir(logDir);
    assert.ok(files.length <= 2, `at most the ended session and one cut short by the stop (${files.join(', ')})`);
    for (const file of files) assert.match(await readFile(join(logDir, file), 'utf8'), / \* (user ended the chat|server stopped: the chat ended)\n$/);
  });

  it('cuts off a client that never answers the close frame, instead of waiting 30 s for it', { timeout: 10_000 }, async (t) => {
    const { server } = await start(t);
    const user = await TestClient.connect(server.urls[0]!, 'role=user');
    const frozen = connectSilently(server.urls[0]!, 'role=agent');
    t.after(() => frozen.destroy());
    await user.next('presence', ({ online }) => online.agent === 1);
    const userClosed = once(user.socket, 'close');
    await server.close();
    assert.equal((await userClosed)[0], 1001, 'the client that answers gets a proper goodbye');
  });
});
