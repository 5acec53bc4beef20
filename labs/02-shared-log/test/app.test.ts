import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';
import { LogFile } from '../server/log-file.ts';
import { SHOWN_LINES } from '../server/routes/client.tsx';

const now = () => new Date(2026, 10, 22, 14, 3, 7);

async function setup(t: TestContext) {
  const path = join(await tempDir(t, 'lab02-app'), 'chat.log');
  const log = new LogFile(path);
  t.after(() => log.close());
  const app = createApp({ log, now });
  const post = (at: string, fields: Record<string, string> = {}) =>
    app.request(at, { method: 'POST', body: new URLSearchParams(fields) });
  const contents = () => readFile(path, 'utf8').catch(() => '');
  return { app, log, post, contents };
}

describe('02 shared log: HTTP', () => {
  it('serves a landing page that opens both clients', async (t) => {
    const { app } = await setup(t);
    const page = await (await app.request('/')).text();
    assert.match(page, /href="\/user"/);
    assert.match(page, /href="\/agent"/);
  });

  it('shows a client page with a Message box, Send/Refresh and End chat', async (t) => {
    const { app } = await setup(t);
    const page = await (await app.request('/agent')).text();
    assert.match(page, /No messages yet/);
    assert.match(page, /<label for="message">Message<\/label>/);
    assert.match(page, />Send\/Refresh<\/button>/);
    assert.match(page, /End chat/);
  });

  it('appends both clients to one chat.log, and each page shows the whole conversation', async (t) => {
    const { app, post, contents } = await setup(t);
    assert.equal((await post('/user', { message: 'hello agent' })).status, 303);
    assert.equal((await post('/agent', { message: 'hello user' })).status, 303);
    assert.equal(await contents(), '2026-11-22 14:03:07 <user> hello agent\n2026-11-22 14:03:07 <agent> hello user\n');
    for (const role of ['user', 'agent']) {
      const page = await (await app.request(`/${role}`)).text();
      assert.match(page, /class="message from-user[^"]*".*hello agent.*class="message from-agent[^"]*".*hello user/s, role);
      assert.deepEqual([...page.matchAll(/class="message from-(\w+) mine"/g)].map((match) => match[1]), [role], `${role}: only its own message is on the right`);
      assert.match(page, /<time datetime="2026-11-22T14:03:07" title="2026-11-22 14:03:07">14:03<\/time>/, 'a short time, the full one in the tooltip');
    }
  });

  it('treats an empty or blank message as a refresh: it redirects and writes nothing', async (t) => {
    const { post, contents } = await setup(t);
    for (const fields of [{ message: '' }, { message: '  \n ' }, {}] as Record<string, string>[]) {
      const res = await post('/user', fields);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/user');
    }
    assert.equal(await contents(), '');
  });

  it('writes an end-of-conversation line on End chat', async (t) => {
    const { post, contents } = await setup(t);
    await post('/agent/end');
    assert.equal(await contents(), '2026-11-22 14:03:07 * agent ended the chat\n');
  });

  it('refuses a message over 2000 characters, keeps the draft, and writes nothing', async (t) => {
    const { post, contents } = await setup(t);
    const res = await post('/user', { message: 'y'.repeat(2001) });
    assert.equal(res.status, 422);
    const page = await res.text();
    assert.match(page, /limit is 2000/);
    assert.match(page, /value="y{2001}"/);
    assert.equal((await post('/user', { message: 'z'.repeat(100_000) })).status, 413);
    assert.equal(await contents(), '');
  });

  it(`shows only the last ${SHOWN_LINES} lines, oldest first`, async (t) => {
    const { app, post } = await setup(t);
    for (let i = 1; i <= SHOWN_LINES + 5; i++) await post(i % 2 ? '/user' : '/agent', { message: `message #${i}.` });
    const page = await (await app.request('/user')).text();
    const shown = [...page.matchAll(/message #(\d+)\./g)].map((match) => Number(match[1]));
    assert.deepEqual(shown, Array.from({ length: SHOWN_LINES }, (_, i) => i + 6));
  });

  it('shows HTML in a message as text, never as markup', async (t) => {
    const { app, post } = await setup(t);
    await post('/user', { message: '<script>alert(1)</script>' });
    const page = await (await app.request('/agent')).text();
    assert.doesNotMatch(page, /<script>alert/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('answers 404 for unknown paths, wrong methods and files outside client/', async (t) => {
    const { app } = await setup(t);
    for (const path of ['/nope', '/user/nope', '/static/../server/app.ts', '/chat.log']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
    assert.equal((await app.request('/user', { method: 'DELETE' })).status, 404);
  });

  it('serves the stylesheet and the landing page script', async (t) => {
    const { app } = await setup(t);
    assert.match((await app.request('/static/style.css')).headers.get('content-type') ?? '', /text\/css/);
    assert.equal((await app.request('/static/home.js')).status, 200);
  });
});
