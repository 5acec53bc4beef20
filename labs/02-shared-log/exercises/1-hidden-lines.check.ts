import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';
import { LogFile } from '../server/log-file.ts';

/** An app on a chat.log that already holds `lines` lines, as after a restart. */
async function setup(t: TestContext, lines: number) {
  const path = join(await tempDir(t, 'lab02-ex1'), 'chat.log');
  const text = Array.from({ length: lines }, (_, i) => `2026-11-22 14:03:07 <user> old message ${i + 1}\n`).join('');
  if (lines > 0) await writeFile(path, text);
  const log = new LogFile(path);
  t.after(() => log.close());
  const app = createApp({ log });
  const post = (message: string) => app.request('/agent', { method: 'POST', body: new URLSearchParams({ message }) });
  const hidden = async () => /([\d,]+) older lines? (?:is|are) not shown/.exec(await (await app.request('/user')).text());
  return { app, post, hidden };
}

describe('02 shared log exercise 1: Show what is hidden', () => {
  it('a log of 250 lines says "50 older lines are not shown"', async (t) => {
    const { hidden } = await setup(t, 250);
    const found = await hidden();
    assert.ok(found, 'chat.log holds 250 lines and the page shows 200 of them: it should say "50 older lines are not shown".');
    assert.equal(found[1], '50', `The page says "${found[0]}", but 250 - 200 = 50 lines are hidden.`);
  });

  it('the number grows with each message sent while the lab runs', async (t) => {
    const { post, hidden } = await setup(t, 250);
    await hidden();
    for (const message of ['one', 'two', 'three']) await post(message);
    assert.equal((await hidden())?.[0], '53 older lines are not shown', 'After 3 more messages on a 250-line log, the page should say "53 older lines are not shown".');
  });

  it('counts right when many people send at once', async (t) => {
    const { app, post, hidden } = await setup(t, 195);
    await Promise.all([...Array.from({ length: 30 }, (_, i) => post(`at once ${i}`)), app.request('/user'), app.request('/agent')]);
    assert.equal((await hidden())?.[0], '25 older lines are not shown', '195 lines, then 30 messages sent at once: 225 lines, so the page should say "25 older lines are not shown".');
  });

  it('says nothing while everything fits, and "1 older line is not shown" for one', async (t) => {
    const { post, hidden } = await setup(t, 200);
    assert.equal(await hidden(), null, 'With exactly 200 lines, nothing is hidden: say nothing about older lines.');
    await post('the 201st line');
    assert.equal((await hidden())?.[0], '1 older line is not shown', 'With 201 lines, the page should say "1 older line is not shown" (one line, singular).');
  });

  it('says nothing for a log that does not exist yet', async (t) => {
    const { app } = await setup(t, 0);
    const page = await (await app.request('/user')).text();
    assert.match(page, /No messages yet/);
    assert.doesNotMatch(page, /older lines? (?:is|are) not shown/, 'An empty log hides nothing.');
  });
});
