import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';

const USER_LOG = '2026-11-22 14:03:07 <user> hello\n2026-11-22 14:03:09 <user> anyone?\n';
const AGENT_LOG = '2026-11-22 14:03:08 <agent> hi there\n';

async function setup(t: TestContext) {
  const logDir = await tempDir(t, 'lab01-ex2');
  await writeFile(join(logDir, 'user.log'), USER_LOG);
  await writeFile(join(logDir, 'agent.log'), AGENT_LOG);
  const app = createApp({ logDir });
  const log = (role: string) => readFile(join(logDir, `${role}.log`), 'utf8').catch(() => '');
  return { app, log };
}

/** The forms of a page that post to `path` (an action of `path`, or no action on a page at `path`). */
function formsPostingTo(page: string, path: string): string[] {
  return [...page.matchAll(/<form\b[^>]*>/gi)]
    .map((match) => match[0])
    .filter((tag) => /\bmethod="post"/i.test(tag))
    .filter((tag) => {
      const action = /\baction="([^"]*)"/i.exec(tag)?.[1];
      return action === undefined || action === path;
    });
}

describe('01 static exercise 2: Clear a log, but never on a GET', () => {
  it('the user page links to /user/clear', async (t) => {
    const { app } = await setup(t);
    const page = await (await app.request('/user')).text();
    assert.match(page, /href="\/user\/clear"/, 'The user page should have a "Clear log" link to /user/clear.');
  });

  it('GET /user/clear asks first, with a form that posts to /user/clear, and clears nothing', async (t) => {
    const { app, log } = await setup(t);
    const res = await app.request('/user/clear');
    assert.equal(res.status, 200, `GET /user/clear answered ${res.status}: it should show a page that asks "Really clear user.log?".`);
    const page = await res.text();
    assert.match(page, /user\.log/, 'The confirmation page should name the file it is about to clear, user.log.');
    assert.ok(formsPostingTo(page, '/user/clear').length > 0, 'The confirmation page needs a <form method="post" action="/user/clear"> with a button.');
    assert.equal(await log('user'), USER_LOG, 'GET /user/clear changed user.log: a GET must never clear anything.');
  });

  it('no GET or HEAD clears, whatever its query string', async (t) => {
    const { app, log } = await setup(t);
    for (const path of ['/user/clear?confirm=yes', '/user/clear?really=1']) await app.request(path);
    await app.request('/user/clear', { method: 'HEAD' });
    assert.equal(await log('user'), USER_LOG, 'A GET or HEAD of /user/clear changed user.log: only a POST may clear.');
  });

  it('POST /user/clear empties user.log, leaves agent.log alone, and redirects to /user', async (t) => {
    const { app, log } = await setup(t);
    const res = await app.request('/user/clear', { method: 'POST' });
    assert.equal(res.status, 303, `POST /user/clear answered ${res.status}: clear, then answer 303 See Other (POST/redirect/GET).`);
    assert.equal(res.headers.get('location'), '/user', 'After clearing, redirect to /user.');
    assert.equal(await log('user'), '', 'After POST /user/clear, user.log should be empty.');
    assert.equal(await log('agent'), AGENT_LOG, 'POST /user/clear changed agent.log: each client clears only its own log.');
    assert.match(await (await app.request('/user')).text(), /No messages yet/, 'After clearing, the user page should say "No messages yet".');
  });

  it('the agent clears its own log at /agent/clear, and new messages still land after a clear', async (t) => {
    const { app, log } = await setup(t);
    assert.equal((await app.request('/agent/clear', { method: 'POST' })).status, 303, 'POST /agent/clear should clear agent.log and answer 303.');
    assert.equal(await log('agent'), '', 'After POST /agent/clear, agent.log should be empty.');
    assert.equal(await log('user'), USER_LOG, 'POST /agent/clear changed user.log.');
    await app.request('/agent', { method: 'POST', body: new URLSearchParams({ message: 'fresh start' }) });
    assert.match(await log('agent'), /^\S+ \S+ <agent> fresh start\n$/, 'A message sent after a clear should be the only line of agent.log.');
  });
});
