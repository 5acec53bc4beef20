import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { startServer } from '../server/server.ts';
import { CLOSED_LINE, ENTRY_LINE } from '../shared/text-protocol.ts';
import { TestClient, signUp } from './ws-client.ts';

const NC = '/usr/bin/nc';

/** Debian's netcat-openbsd, or a skip (a failure with `E2E=required`, as in CI). */
function findNc(t: TestContext): boolean {
  if (existsSync(NC)) return true;
  const reason = `no ${NC} (install Debian's "netcat-openbsd")`;
  if (process.env.E2E === 'required') throw new Error(`E2E=required but ${reason}`);
  t.skip(reason);
  return false;
}

describe('07 cores: nc is a full client', () => {
  it('logs in through nc, chats both ways with a browser user, and leaves with #exit', async (t) => {
    if (!findNc(t)) return;
    const dir = await tempDir(t, 'lab07-nc');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit: 1000 });
    t.after(() => server.close());
    const url = server.urls[0]!;
    const ben = await TestClient.connect(url, await signUp(url, 'ben'));
    t.after(() => ben.close());
    await signUp(url, 'ana');

    const nc = spawn(NC, ['127.0.0.1', String(server.tcpPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
    t.after(() => nc.kill());
    const lines = createInterface({ input: nc.stdout })[Symbol.asyncIterator]();
    const next = async (match: RegExp) => {
      for (let line = await lines.next(); !line.done; line = await lines.next()) if (match.test(line.value)) return line.value;
      throw new Error(`nc's output ended before a line matching ${match}`);
    };
    nc.stdin.write('ana\ncorrect horse battery\n');
    assert.match(await next(/Hello/), /^login: password: \*\*\* Hello ana!/, 'the prompts, then the welcome');
    await next(/^\*\*\* You are in #lobby\.$/);

    nc.stdin.write('hello from nc\n');
    assert.equal((await ben.messages(1))[0]!.text, 'hello from nc');
    ben.send({ type: 'send', text: 'hello from the browser' });
    const line = await next(/<ben>/);
    assert.match(line, /^\[\d\d:\d\d:\d\d\] #lobby <ben> hello from the browser$/);
    assert.equal(ENTRY_LINE.exec(line)?.[4], 'ben', 'the line the terminal client reads too');

    nc.stdin.write('#exit\n');
    assert.equal(CLOSED_LINE.exec(await next(CLOSED_LINE))?.[1], 'bye');
    const exited = once(nc, 'exit');
    nc.stdin.end(); // nc notices the server is gone only once its own input ends (Ctrl-D), or it writes again
    assert.equal((await exited)[0], 0);
    await ben.next('entry', ({ entry }) => entry.text === 'ana left');
  });
});
