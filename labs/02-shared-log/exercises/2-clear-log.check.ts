import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';
import { LogFile } from '../server/log-file.ts';

const OLD = '2026-11-22 14:03:07 <user> hello\n2026-11-22 14:03:08 <agent> hi there\n';

async function setup(t: TestContext) {
  const path = join(await tempDir(t, 'lab02-ex2'), 'chat.log');
  await writeFile(path, OLD);
  const log = new LogFile(path);
  t.after(() => log.close());
  const app = createApp({ log });
  const post = (at: string, fields: Record<string, string> = {}) => app.request(at, { method: 'POST', body: new URLSearchParams(fields) });
  const contents = () => readFile(path, 'utf8').catch(() => '(no chat.log at all)');
  return { app, log, post, contents };
}

/** The log's clear(), if the student has written it. */
function clearOf(log: LogFile): () => Promise<void> {
  const clear = (log as unknown as { clear?: () => Promise<void> }).clear;
  assert.equal(typeof clear, 'function', 'Add a clear() method to LogFile in server/log-file.ts.');
  return () => clear!.call(log);
}

describe('02 shared log exercise 2: Clear the log, through the queue', () => {
  it('each page links to its /clear page, which asks first and clears nothing', async (t) => {
    const { app, contents } = await setup(t);
    for (const role of ['user', 'agent']) {
      assert.match(await (await app.request(`/${role}`)).text(), new RegExp(`href="/${role}/clear"`), `The ${role} page should have a "Clear log" link to /${role}/clear.`);
      const res = await app.request(`/${role}/clear?confirm=yes`);
      assert.equal(res.status, 200, `GET /${role}/clear answered ${res.status}: show a page that asks before clearing.`);
      const forms = [...(await res.text()).matchAll(/<form\b[^>]*>/gi)].map((match) => match[0]);
      assert.ok(
        forms.some((tag) => /method="post"/i.test(tag) && (!/action=/i.test(tag) || new RegExp(`action="/${role}/clear"`).test(tag))),
        `The page at /${role}/clear needs a <form method="post" action="/${role}/clear"> with a button.`,
      );
    }
    assert.equal(await contents(), OLD, 'A GET of /user/clear or /agent/clear changed chat.log: only a POST may clear.');
  });

  it('POST /user/clear empties chat.log for both sides and redirects to /user', async (t) => {
    const { app, post, contents } = await setup(t);
    const res = await post('/user/clear');
    assert.equal(res.status, 303, `POST /user/clear answered ${res.status}: clear, then answer 303 See Other.`);
    assert.equal(res.headers.get('location'), '/user');
    assert.equal(await contents(), '', 'After POST /user/clear, chat.log should still exist, and be empty.');
    assert.match(await (await app.request('/agent')).text(), /No messages yet/, 'After a clear, the agent page should say "No messages yet" too: they share one log.');
  });

  it('a message sent after a clear lands in chat.log', async (t) => {
    const { post, contents } = await setup(t);
    await post('/user', { message: 'before' });
    assert.equal((await post('/agent/clear')).status, 303, 'POST /agent/clear should clear chat.log and answer 303.');
    await post('/user', { message: 'after the clear' });
    assert.match(
      await contents(),
      /^\S+ \S+ <user> after the clear\n$/,
      'The message sent after the clear is not (alone) in chat.log. Deleting the file is not clearing it: the open handle goes on writing into the deleted file. Truncate the open file instead.',
    );
  });

  it('clear() waits its turn in the queue: what was asked before it is cleared, what comes after it stays', async (t) => {
    const { log, contents } = await setup(t);
    const clear = clearOf(log);
    const before = Array.from({ length: 100 }, (_, i) => log.append(`before ${i}`));
    const cleared = clear();
    const after = log.append('after');
    await Promise.all([...before, cleared, after]);
    assert.equal(
      await contents(),
      'after\n',
      '100 appends, then clear(), then one append, all asked at once: only "after" should be left. A clear that does not wait in the queue runs in the middle of the appends.',
    );
  });

  it('clear() works on a log that nobody has written to since the start', async (t) => {
    const { log, contents } = await setup(t);
    await clearOf(log)();
    assert.equal(await contents(), '', 'clear() on a fresh LogFile (no append yet) should empty chat.log.');
    await log.append('first');
    assert.equal(await contents(), 'first\n');
  });
});
