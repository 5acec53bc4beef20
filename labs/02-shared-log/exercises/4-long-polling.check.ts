import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';
import { LogFile } from '../server/log-file.ts';
import { startServer } from '../server/server.ts';

const THREE = ['2026-11-22 14:03:07 <user> one', '2026-11-22 14:03:08 <agent> two', '2026-11-22 14:03:09 <user> three'];

async function setup(t: TestContext, lines = THREE) {
  const path = join(await tempDir(t, 'lab02-ex4'), 'chat.log');
  await writeFile(path, lines.map((line) => `${line}\n`).join(''));
  const log = new LogFile(path);
  t.after(() => log.close());
  const app = createApp({ log });
  const post = (at: string, message: string) => app.request(at, { method: 'POST', body: new URLSearchParams({ message }) });
  return { app, post };
}

interface News {
  last: number;
  entries: { time: string; from: string | null; text: string }[];
}

async function newsOf(res: Response, asked: string): Promise<News> {
  assert.equal(res.status, 200, `GET ${asked} answered ${res.status}: with new lines to give, answer 200 and JSON { last, entries }.`);
  assert.match(res.headers.get('content-type') ?? '', /json/, `GET ${asked} should answer JSON (c.json(...)).`);
  const news = (await res.json()) as News;
  assert.equal(typeof news.last, 'number', `The JSON from ${asked} needs "last": the number of the log's last line.`);
  assert.ok(Array.isArray(news.entries), `The JSON from ${asked} needs "entries": the new lines, as { time, from, text }.`);
  return news;
}

/** Lets every request already started run as far as it can. */
async function settle(app: ReturnType<typeof createApp>) {
  for (let i = 0; i < 3; i++) {
    await app.request('/user');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('02 shared log exercise 4: Long polling', () => {
  it('each page says how many lines chat.log has, in data-last-line', async (t) => {
    const { app, post } = await setup(t);
    assert.match(await (await app.request('/user')).text(), /data-last-line="3"/, 'chat.log has 3 lines: the page should carry data-last-line="3" (on <main>, say), for its script to start from.');
    await post('/agent', 'four');
    assert.match(await (await app.request('/user')).text(), /data-last-line="4"/, 'After one more message, data-last-line should be 4.');
  });

  it('GET /user/wait?after=1 answers at once with the lines after line 1', async (t) => {
    const { app } = await setup(t);
    const news = await newsOf(await app.request('/user/wait?after=1'), '/user/wait?after=1');
    assert.equal(news.last, 3, 'chat.log has 3 lines, so "last" should be 3.');
    assert.deepEqual(
      news.entries.map((entry) => [entry.from, entry.text]),
      [['agent', 'two'], ['user', 'three']],
      'After line 1 come lines 2 and 3, oldest first, as { time, from, text }.',
    );
  });

  it('refuses an after= that is not a whole number from 0 up, with 400', async (t) => {
    const { app } = await setup(t);
    for (const query of ['after=-1', 'after=abc', 'after=1.5', 'after=', '']) {
      const res = await app.request(`/agent/wait?${query}`);
      assert.equal(res.status, 400, `GET /agent/wait?${query} answered ${res.status}: after= must be a whole number from 0 up; answer 400 otherwise.`);
    }
  });

  it('GET /user/wait?after=3 waits for the next line, then gives it to every client that waits', async (t) => {
    const { app, post } = await setup(t);
    const waits = ['/user/wait?after=3', '/agent/wait?after=3'].map((path) => {
      const wait = { path, status: 0, res: Promise.resolve(app.request(path)) };
      void wait.res.then((res) => (wait.status = res.status));
      return wait;
    });
    await settle(app);
    for (const wait of waits) {
      assert.ok(wait.status === 0, `GET ${wait.path} answered at once (${wait.status}), though chat.log has only 3 lines: it should wait until a 4th line is written.`);
    }
    await post('/agent', 'the fourth line');
    for (const wait of waits) {
      const news = await newsOf(await wait.res, wait.path);
      assert.deepEqual([news.last, news.entries.map((entry) => entry.text)], [4, ['the fourth line']], `GET ${wait.path} should answer with line 4, "the fourth line", once it is written.`);
    }
  });

  it('the agent page shows what the user sends by itself, as text, without losing what the agent is typing', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: await tempDir(t, 'lab02-ex4-browser') });
    t.after(() => server.close());
    const [user, agent] = [await browser.newPage(), await browser.newPage()];
    await agent.goto(new URL('/agent', server.urls[0]).href);
    await user.goto(new URL('/user', server.urls[0]).href);
    await agent.getByLabel('Message').fill('half-written answer');

    await user.getByLabel('Message').fill('<i>Hello</i> from the user');
    await user.getByRole('button', { name: 'Send/Refresh' }).click();
    const arrived = await agent
      .getByText('<i>Hello</i> from the user')
      .waitFor({ timeout: 10_000 })
      .then(() => true, () => false);
    assert.ok(arrived, "The agent page did not show the user's message by itself within 10 s: its script should ask /agent/wait?after=<data-last-line> and add the new lines.");
    assert.equal(await agent.locator('.messages li', { hasText: 'from the user' }).count(), 1, 'The new line should be added once, as an <li> of the .messages list (create the list if the page said "No messages yet").');
    assert.equal(await agent.locator('.messages i').count(), 0, 'The message was inserted as HTML: build the new <li> with textContent, never innerHTML.');
    assert.equal(await agent.getByLabel('Message').inputValue(), 'half-written answer', "The agent's half-written answer was lost: add the new lines to the list instead of reloading the page.");
  });
});
