import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';

async function setup(t: TestContext) {
  const logDir = await tempDir(t, 'lab01-ex3');
  const app = createApp({ logDir });
  const post = (path: string, fields: Record<string, string>) => app.request(path, { method: 'POST', body: new URLSearchParams(fields) });
  const lines = async (role: string) => (await readFile(join(logDir, `${role}.log`), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  /** The value of the page's hidden `key` field. */
  const keyOf = async (path: string) => {
    const page = await (await app.request(path)).text();
    const input = [...page.matchAll(/<input\b[^>]*>/gi)].map((match) => match[0]).find((tag) => /\bname="key"/.test(tag));
    assert.ok(input, `The form on ${path} has no <input name="key">: give it a hidden field with a fresh key.`);
    assert.match(input, /\btype="hidden"/, `The key field on ${path} should be type="hidden": it is not for people to type.`);
    const value = /\bvalue="([^"]*)"/.exec(input)?.[1];
    assert.ok(value, `The key field on ${path} has no value: render a fresh key into it, e.g. from crypto.randomUUID().`);
    return value;
  };
  return { post, lines, keyOf };
}

describe('01 static exercise 3: Send once, even when clicked twice', () => {
  it('each page carries a hidden one-time key, a new one every time it is shown', async (t) => {
    const { keyOf } = await setup(t);
    const [first, second] = [await keyOf('/user'), await keyOf('/user')];
    assert.notEqual(first, second, 'Two loads of /user gave the same key: each page needs a new one, or two different messages would count as one.');
    await keyOf('/agent');
  });

  it('the same key posted twice writes the message once, and both posts are answered alike', async (t) => {
    const { post, lines, keyOf } = await setup(t);
    const key = await keyOf('/user');
    for (const attempt of ['first', 'second']) {
      const res = await post('/user', { message: 'Where is my order?', key });
      assert.equal(res.status, 303, `The ${attempt} post with the key answered ${res.status}: answer a repeat exactly as the first send, 303 to /user.`);
      assert.equal(res.headers.get('location'), '/user');
    }
    assert.equal((await lines('user')).length, 1, 'The same form was posted twice with the same key, and user.log got 2 lines: write it once.');
  });

  it('a double click, the same key posted twice at once, still writes once', async (t) => {
    const { post, lines, keyOf } = await setup(t);
    const key = await keyOf('/user');
    const responses = await Promise.all([post('/user', { message: 'click click', key }), post('/user', { message: 'click click', key })]);
    assert.deepEqual(responses.map((res) => res.status), [303, 303]);
    assert.equal(
      (await lines('user')).length,
      1,
      'Two posts with the same key at the same moment both got written. Both checked "is this key new?" before either marked it: mark the key before the first await that writes.',
    );
  });

  it('a new key with the same text is a new message: people may say "ok" twice', async (t) => {
    const { post, lines, keyOf } = await setup(t);
    await post('/user', { message: 'ok', key: await keyOf('/user') });
    await post('/user', { message: 'ok', key: await keyOf('/user') });
    assert.equal((await lines('user')).length, 2, 'Two sends of "ok" from two different pages (two keys) should write two lines.');
  });

  it('a refused message does not use up its key, and a post without a key is written as before', async (t) => {
    const { post, lines, keyOf } = await setup(t);
    const key = await keyOf('/user');
    assert.equal((await post('/user', { message: 'x'.repeat(2001), key })).status, 422);
    assert.equal((await post('/user', { message: 'shorter now', key })).status, 303);
    assert.deepEqual(
      (await lines('user')).map((line) => line.slice(20)),
      ['<user> shorter now'],
      'A message refused as too long used up its key, so the corrected one with the same key was dropped: only a message that is written uses its key.',
    );
    await post('/agent', { message: 'from curl' });
    await post('/agent', { message: 'from curl' });
    assert.equal((await lines('agent')).length, 2, 'Posts without a key (curl, old pages) should be written as before.');
  });
});
