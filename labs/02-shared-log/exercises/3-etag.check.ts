import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { createApp } from '../server/app.ts';
import { LogFile } from '../server/log-file.ts';

/** A LogFile that counts how often a page reads the log's lines. */
class CountingLog extends LogFile {
  tails = 0;
  override tail(maxLines: number): Promise<string> {
    this.tails++;
    return super.tail(maxLines);
  }
}

async function setup(t: TestContext) {
  const path = join(await tempDir(t, 'lab02-ex3'), 'chat.log');
  await writeFile(path, '2026-11-22 14:03:07 <user> hello\n');
  const log = new CountingLog(path);
  t.after(() => log.close());
  const app = createApp({ log });
  const post = (at: string, message: string) => app.request(at, { method: 'POST', body: new URLSearchParams({ message }) });
  /** GET /user, and its ETag, which must be there. */
  const page = async (ifNoneMatch?: string) => {
    const res = await app.request('/user', { headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} });
    return { res, body: await res.text(), etag: res.headers.get('etag') };
  };
  const etagOf = async () => {
    const { res, etag } = await page();
    assert.equal(res.status, 200);
    assert.ok(etag, 'GET /user has no ETag header: send one that names this version of chat.log.');
    assert.match(etag, /^(W\/)?"[^"]*"$/, `The ETag ${etag} is not quoted: an ETag is written in double quotes, like "123-456".`);
    return etag;
  };
  return { path, log, app, post, page, etagOf };
}

describe('02 shared log exercise 3: Nothing new costs nothing', () => {
  it('a page carries an ETag and Cache-Control: no-cache, and the ETag stays while nothing changes', async (t) => {
    const { page, etagOf } = await setup(t);
    const first = await etagOf();
    assert.equal(await etagOf(), first, 'Two GETs with no change in between gave two different ETags: the tag should change only when chat.log does.');
    const cacheControl = (await page()).res.headers.get('cache-control') ?? '';
    assert.match(cacheControl, /no-cache/, `Cache-Control is "${cacheControl}": send "no-cache", so the browser asks every time (with If-None-Match) instead of showing a stale page.`);
  });

  it('a GET with If-None-Match and nothing new gets 304 with no body, without reading the log', async (t) => {
    const { log, page, etagOf } = await setup(t);
    const etag = await etagOf();
    const tailsBefore = log.tails;
    const { res, body } = await page(etag);
    assert.equal(res.status, 304, `GET /user with If-None-Match: ${etag} and nothing new answered ${res.status}: answer 304 Not Modified.`);
    assert.equal(body, '', 'A 304 has no body.');
    assert.equal(log.tails - tailsBefore, 0, 'The 304 still read the last lines of the log (log.tail was called): decide on the 304 before reading or rendering anything.');
  });

  it('after a new message, the old ETag gets the new page, with a new ETag', async (t) => {
    const { post, page, etagOf } = await setup(t);
    const old = await etagOf();
    await post('/agent', 'something new');
    const { res, body, etag } = await page(old);
    assert.equal(res.status, 200, `A message was sent since ETag ${old}, yet GET /user with If-None-Match: ${old} answered ${res.status}: answer 200 with the new page.`);
    assert.match(body, /something new/);
    assert.notEqual(etag, old, 'The ETag did not change when a message was added.');
  });

  it('End chat changes the ETag too', async (t) => {
    const { app, page, etagOf } = await setup(t);
    const old = await etagOf();
    await app.request('/user/end', { method: 'POST' });
    assert.equal((await page(old)).res.status, 200, 'After End chat, the old ETag should no longer match.');
  });

  it('the ETag changes when another program appends to chat.log: it comes from the file, not from a counter in memory', async (t) => {
    const { path, page, etagOf } = await setup(t);
    const old = await etagOf();
    await appendFile(path, '2026-11-22 14:03:09 <agent> written by another server\n');
    const { res, body } = await page(old);
    assert.equal(
      res.status,
      200,
      'Another program appended to chat.log, and the old ETag still got a 304. Build the tag from the file itself (fs.stat: its size and modification time), so it is right after a restart or with a second server.',
    );
    assert.match(body, /written by another server/);
  });
});
