import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';

/** An app on a temporary folder whose user.log holds "message #1." to "message #5.". */
async function setup(t: TestContext) {
  const logDir = await tempDir(t, 'lab01-ex1');
  const app = createApp({ logDir });
  const post = (path: string, fields: Record<string, string>) => app.request(path, { method: 'POST', body: new URLSearchParams(fields) });
  for (let i = 1; i <= 5; i++) await post('/user', { message: `message #${i}.` });
  const shown = async (path: string) => {
    const res = await app.request(path);
    const numbers = [...(await res.text()).matchAll(/message #(\d+)\./g)].map((match) => Number(match[1]));
    return { status: res.status, numbers };
  };
  return { app, logDir, post, shown };
}

describe('01 static exercise 1: Only the last N lines', () => {
  it('GET /user?last=2 shows only the last 2 lines, oldest first', async (t) => {
    const { shown } = await setup(t);
    const { status, numbers } = await shown('/user?last=2');
    assert.equal(status, 200, 'GET /user?last=2 should answer 200.');
    assert.deepEqual(numbers, [4, 5], `GET /user?last=2 showed messages ${JSON.stringify(numbers)}; with 5 messages in user.log it should show only [4, 5].`);
  });

  it('a number larger than the log shows the whole log, and no ?last= shows everything as before', async (t) => {
    const { shown } = await setup(t);
    assert.deepEqual((await shown('/user?last=50')).numbers, [1, 2, 3, 4, 5], 'GET /user?last=50 should show all 5 messages.');
    assert.deepEqual((await shown('/user')).numbers, [1, 2, 3, 4, 5], 'GET /user (no ?last=) should still show every message.');
  });

  it('refuses a ?last= that is not a whole number from 1 up, with 400 and a sentence that names it', async (t) => {
    const { app } = await setup(t);
    for (const bad of ['0', '-1', 'abc', '2.5', '1e2', '']) {
      const res = await app.request(`/user?last=${encodeURIComponent(bad)}`);
      const page = await res.text();
      assert.equal(res.status, 400, `GET /user?last=${bad} answered ${res.status}: a bad ?last= is the client's mistake, so answer 400 Bad Request.`);
      assert.match(page, /last/i, `The 400 page for ?last=${bad} should say, in words, that ?last= must be a whole number from 1 up.`);
    }
  });

  it('sending from /user?last=2 comes back to /user?last=2', async (t) => {
    const { post, logDir } = await setup(t);
    const res = await post('/user?last=2', { message: 'message #6.' });
    assert.equal(res.status, 303, 'A message posted from /user?last=2 should still be written and answered with 303.');
    assert.equal(
      res.headers.get('location'),
      '/user?last=2',
      `After sending from /user?last=2 the redirect went to ${res.headers.get('location')}: the form posts to the page's own URL, so keep ?last=2 on the way back.`,
    );
    assert.match(await readFile(join(logDir, 'user.log'), 'utf8'), /<user> message #6\.\n$/, 'The message posted from /user?last=2 should be in user.log.');
  });
});
