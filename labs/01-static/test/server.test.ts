import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { ConfigError } from '../server/config.ts';
import { startServer } from '../server/server.ts';

async function start(t: TestContext) {
  const logDir = join(await tempDir(t, 'lab01-server'), 'created', 'on', 'start');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir });
  t.after(() => server.close());
  return { server, logDir, base: server.urls[0]!.replace(/\/$/, '') };
}

describe('01 static: real server', () => {
  it('listens on a free port, creates LOG_DIR, and writes what a form posts', async (t) => {
    const { server, logDir, base } = await start(t);
    assert.ok(server.port > 0);
    assert.equal(server.urls[0], `http://127.0.0.1:${server.port}/`);
    const res = await fetch(`${base}/agent`, { method: 'POST', body: new URLSearchParams({ message: 'hi from a real socket' }), redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.match(await readFile(join(logDir, 'agent.log'), 'utf8'), /<agent> hi from a real socket\n$/);
    const page = await (await fetch(`${base}/agent`)).text();
    assert.match(page, /hi from a real socket/);
  });

  it('says which variable to change when the port is taken', async (t) => {
    const { server, logDir } = await start(t);
    await assert.rejects(startServer({ port: server.port, host: '127.0.0.1', logDir }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`Port ${server.port} is already in use.*PORT=${server.port + 1} npm run lab:01`));
      return true;
    });
  });

  it('closes even with a browser-style keep-alive connection open', async (t) => {
    const { server, base } = await start(t);
    await fetch(`${base}/user`, { headers: { connection: 'keep-alive' } });
    await server.close();
    await assert.rejects(fetch(`${base}/user`));
  });
});
