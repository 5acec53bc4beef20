import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { startServer } from '../server/server.ts';
import { LineClient } from '../test/tcp-client.ts';
import { TestClient, signUp } from '../test/ws-client.ts';

const PRIVATE = /^\[\d\d:\d\d:\d\d\] private <ana> to bob: see you at 5$/;

async function start(t: TestContext, rateLimit = 1000) {
  const dir = await tempDir(t, 'lab06-exercise-private');
  // A stopped clock where the rate limit matters: a busy machine must not refill the bucket mid-burst.
  const now = rateLimit < 1000 ? () => new Date(Date.UTC(2026, 10, 22, 13, 3, 7)) : undefined;
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit }, { now });
  t.after(() => server.close());
  const url = server.urls[0]!;
  const browser = async (login: string) => {
    const client = await TestClient.connect(url, await signUp(url, login));
    t.after(() => client.close());
    return client;
  };
  const terminal = async (login: string) => {
    await signUp(url, login);
    const client = await LineClient.logIn(server.tcpPort, login);
    t.after(() => client.socket.destroy());
    return client;
  };
  return { server, browser, terminal };
}

/** `client`'s next line that is a private line or a refusal: the answer to a `#\private` line. */
function answer(client: LineClient): Promise<string> {
  return client.next(/^(!!! |\[\d\d:\d\d:\d\d\] private )/);
}

describe('06 tcp exercise 4: Private messages between terminals, through the server', () => {
  it('relays "#\\private bob …" from one terminal to another in another room, and echoes it to the sender', async (t) => {
    const { terminal } = await start(t);
    const ana = await terminal('ana');
    const bob = await terminal('bob');
    bob.send('#cR games');
    await bob.next('*** You are in #games.');
    ana.send('#\\private bob see you at 5');
    const sent = await answer(ana);
    assert.match(sent, PRIVATE, `ana should get her private line back as "[hh:mm:ss] private <ana> to bob: see you at 5"; she got: ${sent}`);
    const received = await bob.next(/see you at 5/);
    assert.match(received, PRIVATE, `bob should get "[hh:mm:ss] private <ana> to bob: see you at 5"; he got: ${received}`);
  });

  it('shows it to nobody else, and does not log it', async (t) => {
    const { server, browser, terminal } = await start(t);
    const dan = await browser('dan');
    const ana = await terminal('ana');
    const bob = await terminal('bob');
    const cat = await terminal('cat');
    ana.send('#\\private bob see you at 5');
    const sent = await answer(ana);
    assert.match(sent, PRIVATE, `ana's private message to bob should be relayed; she got: ${sent}`);
    await bob.next(/see you at 5/);
    ana.send('now for everyone');
    await cat.next(/<ana> now for everyone$/);
    await dan.next('entry', ({ entry }) => entry.text === 'now for everyone');
    assert.ok(!cat.lines.some((line) => line.includes('see you at 5')), 'cat, in the same room, must not see the private line.');
    assert.ok(!JSON.stringify(dan.frames).includes('see you at 5'), 'dan, in a browser, must not receive the private text in any frame.');
    const path = await server.logPath;
    await server.close();
    assert.ok(!(await readFile(path, 'utf8')).includes('see you at 5'), 'The server relays private messages; it must not write them to the log.');
  });

  it('refuses, with a reason, a private message to someone in a browser, to someone offline, and to yourself', async (t) => {
    const { browser, terminal } = await start(t);
    await browser('dan');
    const ana = await terminal('ana');
    ana.send('#\\private dan hi');
    assert.equal(await answer(ana), '!!! dan is in a browser: a terminal and a browser cannot exchange private messages.');
    ana.send('#\\private zed hi');
    assert.equal(await answer(ana), '!!! zed is not online.');
    ana.send('#\\private ANA hi');
    assert.equal(await answer(ana), '!!! That is you.');
  });

  it('counts private lines against the rate limit', async (t) => {
    const { terminal } = await start(t, 1);
    const ana = await terminal('ana');
    const bob = await terminal('bob');
    for (let i = 0; i < 4; i++) ana.send(`#\\private bob number ${i}`);
    const first = await answer(ana);
    assert.match(first, /private <ana> to bob: number 0$/, `the first private line should be relayed; ana got: ${first}`);
    await ana.next(/^!!! Slow down/);
    await bob.next(/number 2$/);
    assert.ok(!bob.lines.some((line) => line.includes('number 3')), 'With RATE_LIMIT 1 (3 at once), the fourth private line must be refused.');
  });
});
