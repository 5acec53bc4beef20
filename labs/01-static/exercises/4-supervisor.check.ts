import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';

/** Builds an app on a folder holding these two logs; each line's text ends with a tag like [u1]. */
async function setup(t: TestContext, userLog: string[], agentLog: string[]) {
  const logDir = await tempDir(t, 'lab01-ex4');
  const write = (role: string, lines: string[]) => (lines.length ? writeFile(join(logDir, `${role}.log`), lines.map((line) => `${line}\n`).join('')) : undefined);
  await write('user', userLog);
  await write('agent', agentLog);
  return { app: createApp({ logDir }), logDir };
}

interface Shown {
  tag: string;
  time: string | undefined;
  item: string;
}

/** The tagged lines of the supervisor page, in the order shown. */
async function shownOn(app: ReturnType<typeof createApp>): Promise<Shown[]> {
  const res = await app.request('/supervisor');
  assert.equal(res.status, 200, `GET /supervisor answered ${res.status}: mount a page there that shows both logs.`);
  const page = await res.text();
  return page
    .split(/<li\b/)
    .slice(1)
    .map((item) => ({ tag: /\[([ua]\d+)\]/.exec(item)?.[1] ?? '', time: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(item)?.[0], item }))
    .filter((line) => line.tag !== '');
}

/** Asserts `tags` shows each of `own` once, in that order. */
function keepsOrder(tags: string[], own: string[], file: string) {
  const mine = tags.filter((tag) => own.includes(tag));
  assert.deepEqual(mine, own, `The supervisor page showed ${file}'s lines as ${mine.join(', ')}: show each line once, in the order of ${file} (${own.join(', ')}).`);
}

const USER = [
  '2026-11-22 10:00:01 <user> hello [u1]',
  '2026-11-22 10:00:03 <user> my order is late [u2]',
  '2026-11-22 10:00:03 <user> order 1234 [u3]',
  '2026-11-22 10:00:05 <user> thanks! [u4]',
  '2026-11-22 10:00:06 * user ended the chat [u5]',
];
const AGENT = ['2026-11-22 10:00:02 <agent> hi, how can I help? [a1]', '2026-11-22 10:00:03 <agent> let me look [a2]', '2026-11-22 10:00:04 <agent> it ships today [a3]'];

describe('01 static exercise 4: A supervisor who reads both logs', () => {
  it('the landing page opens a supervisor window at /supervisor', async (t) => {
    const { app } = await setup(t, [], []);
    assert.match(await (await app.request('/')).text(), /href="\/supervisor"/, 'The landing page should have a link to /supervisor, next to the user and agent buttons.');
  });

  it('GET /supervisor shows both logs, merged by time, oldest first', async (t) => {
    const { app } = await setup(t, USER, AGENT);
    const shown = await shownOn(app);
    const tags = shown.map((line) => line.tag);
    assert.equal(tags.length, 8, `The supervisor page showed ${tags.length} of the 8 lines (${tags.join(', ')}): show every line of user.log and agent.log.`);
    keepsOrder(tags, ['u1', 'u2', 'u3', 'u4', 'u5'], 'user.log');
    keepsOrder(tags, ['a1', 'a2', 'a3'], 'agent.log');
    const times = shown.map((line) => line.time ?? '');
    assert.deepEqual(times, [...times].sort(), `The supervisor page showed the lines in the order ${tags.join(', ')}: merge them by time, oldest first.`);
  });

  it('shows who wrote each line', async (t) => {
    const { app } = await setup(t, USER, AGENT);
    for (const { tag, item } of await shownOn(app)) {
      const sender = tag.startsWith('u') ? 'user' : 'agent';
      assert.match(item, new RegExp(`\\b${sender}\\b`), `Line [${tag}] on the supervisor page does not say it comes from the ${sender}.`);
    }
  });

  it("keeps each log's own order, even where its clock went back", async (t) => {
    const user = ['2026-11-22 02:59:58 <user> before the clock change [u1]', '2026-11-22 02:00:01 <user> after the clock went back an hour [u2]'];
    const agent = ['2026-11-22 02:30:00 <agent> half past [a1]', '2026-11-22 03:00:10 <agent> later [a2]'];
    const { app } = await setup(t, user, agent);
    const tags = (await shownOn(app)).map((line) => line.tag);
    keepsOrder(tags, ['u1', 'u2'], 'user.log');
    keepsOrder(tags, ['a1', 'a2'], 'agent.log');
  });

  it('is read-only: no message form, and a POST writes nothing', async (t) => {
    const { app, logDir } = await setup(t, USER, AGENT);
    const page = await (await app.request('/supervisor')).text();
    assert.doesNotMatch(page, /<form\b[^>]*method="post"/i, 'The supervisor page has a form that posts: the supervisor only reads.');
    for (const path of ['/supervisor', '/supervisor/end']) {
      const res = await app.request(path, { method: 'POST', body: new URLSearchParams({ message: 'I am the boss' }) });
      assert.ok(res.status >= 400, `POST ${path} answered ${res.status}: the supervisor page takes no posts.`);
    }
    assert.deepEqual((await readdir(logDir)).sort(), ['agent.log', 'user.log'], 'A POST to the supervisor created a file: it must write nothing.');
    assert.equal(await readFile(join(logDir, 'user.log'), 'utf8'), USER.map((line) => `${line}\n`).join(''));
  });

  it('shows "No messages yet" when neither log exists', async (t) => {
    const { app } = await setup(t, [], []);
    const res = await app.request('/supervisor');
    assert.equal(res.status, 200, `GET /supervisor answered ${res.status} with no logs yet.`);
    assert.match(await res.text(), /No messages yet/, 'With no logs yet, the supervisor page should say "No messages yet".');
  });
});
