import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';

const now = () => new Date(2026, 10, 22, 14, 3, 7);

async function setup(t: TestContext) {
  const logDir = await tempDir(t, 'lab01-app');
  const app = createApp({ logDir, now });
  const post = (path: string, fields: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body: new URLSearchParams(fields) });
  const log = (role: string) => readFile(join(logDir, `${role}.log`), 'utf8').catch(() => '');
  return { app, logDir, post, log };
}

describe('01 static: HTTP', () => {
  it('serves a landing page that opens both clients', async (t) => {
    const { app } = await setup(t);
    const res = await app.request('/');
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /href="\/user"/);
    assert.match(page, /href="\/agent"/);
  });

  it('shows an empty client page with a Message box, Send and End chat', async (t) => {
    const { app } = await setup(t);
    const page = await (await app.request('/user')).text();
    assert.match(page, /No messages yet/);
    assert.match(page, /<label for="message">Message<\/label>/);
    assert.match(page, />Send<\/button>/);
    assert.match(page, /End chat/);
  });

  it('appends a message to that client\'s own log and redirects back (POST/redirect/GET)', async (t) => {
    const { app, post, log } = await setup(t);
    const res = await post('/user', { message: 'hello agent' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/user');
    assert.equal(await log('user'), '2026-11-22 14:03:07 <user> hello agent\n');
    const page = await (await app.request('/user')).text();
    assert.match(page, /<li class="message from-user mine"><b>user<\/b> <span class="text">hello agent<\/span>/, 'its own message, on the right');
    assert.match(page, /<time datetime="2026-11-22T14:03:07" title="2026-11-22 14:03:07">14:03<\/time>/, 'a short time, the full one in the tooltip');
  });

  it('keeps the two clients apart: the agent never sees the user\'s message', async (t) => {
    const { app, post, log } = await setup(t);
    await post('/user', { message: 'only in user.log' });
    await post('/agent', { message: 'only in agent.log' });
    const agentPage = await (await app.request('/agent')).text();
    assert.doesNotMatch(agentPage, /only in user\.log/);
    assert.match(agentPage, /only in agent\.log/);
    assert.doesNotMatch(await log('agent'), /only in user/);
  });

  it('writes an end-of-conversation line on End chat', async (t) => {
    const { post, log } = await setup(t);
    const res = await post('/agent/end');
    assert.equal(res.status, 303);
    assert.equal(await log('agent'), '2026-11-22 14:03:07 * agent ended the chat\n');
  });

  it('refuses an empty message with a notice and writes nothing', async (t) => {
    const { post, logDir } = await setup(t);
    for (const message of ['', '   ']) {
      const res = await post('/user', { message });
      assert.equal(res.status, 422);
      assert.match(await res.text(), /Type a message first/);
    }
    assert.equal((await post('/user')).status, 422);
    assert.deepEqual(await readdir(logDir), []);
  });

  it('refuses a message over 2000 characters, keeps the draft, and writes nothing', async (t) => {
    const { post, logDir } = await setup(t);
    const res = await post('/user', { message: 'y'.repeat(2001) });
    assert.equal(res.status, 422);
    const page = await res.text();
    assert.match(page, /limit is 2000/);
    assert.match(page, /value="y{2001}"/);
    assert.deepEqual(await readdir(logDir), []);
  });

  it('refuses a huge body before reading it', async (t) => {
    const { post, logDir } = await setup(t);
    const res = await post('/user', { message: 'z'.repeat(100_000) });
    assert.equal(res.status, 413);
    assert.deepEqual(await readdir(logDir), []);
  });

  it('shows HTML in a message as text, never as markup', async (t) => {
    const { app, post } = await setup(t);
    await post('/user', { message: '<script>alert(1)</script><img src=x onerror=alert(2)>' });
    const page = await (await app.request('/user')).text();
    assert.doesNotMatch(page, /<script>alert|<img src=x/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
  });

  it('answers 404 for unknown paths, wrong methods and files outside client/', async (t) => {
    const { app } = await setup(t);
    for (const path of ['/nope', '/user/nope', '/static/nope.css', '/static/../server/app.ts', '/static/%2e%2e/package.json']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
    assert.equal((await app.request('/user', { method: 'DELETE' })).status, 404);
  });

  it('serves the stylesheet and the landing page script', async (t) => {
    const { app } = await setup(t);
    const css = await app.request('/static/style.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.equal((await app.request('/static/home.js')).status, 200);
  });
});
