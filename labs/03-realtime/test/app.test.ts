import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../server/app.ts';

describe('03 realtime: HTTP', () => {
  const app = createApp();

  it('serves a landing page that opens both clients', async () => {
    const page = await (await app.request('/')).text();
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /href="\/user"/);
    assert.match(page, /href="\/agent"/);
  });

  it('serves each client page as a shell that loads chat.js: Message, Send, End chat', async () => {
    for (const role of ['user', 'agent']) {
      const res = await app.request(`/${role}`);
      assert.equal(res.status, 200);
      const page = await res.text();
      assert.match(page, new RegExp(`<main data-role="${role}">`));
      assert.match(page, /<label for="message">Message<\/label>/);
      assert.match(page, />Send<\/button>/);
      assert.match(page, />\s*End chat\s*<\/button>/);
      assert.match(page, /<script type="module" src="\/static\/chat.js">/);
    }
  });

  it('serves the browser modules as JavaScript', async () => {
    for (const file of ['chat.js', 'connection.js', 'conversation.js']) {
      const res = await app.request(`/static/${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
    }
  });

  it('no longer takes messages over HTTP: they go over the WebSocket', async () => {
    const res = await app.request('/user', { method: 'POST', body: new URLSearchParams({ message: 'hi' }) });
    assert.equal(res.status, 404);
  });

  it('answers 404 for unknown paths and files outside client/', async () => {
    for (const path of ['/nope', '/user/nope', '/static/../server/app.ts']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
  });
});
