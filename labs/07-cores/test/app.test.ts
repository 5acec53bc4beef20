import assert from 'node:assert/strict';
import { before, describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { Sessions } from '../server/accounts/sessions.ts';
import { AccountStore } from '../server/accounts/store.ts';
import { createApp } from '../server/app.ts';
import { buildClientIfStale } from '../server/client-build.ts';
import { RegistrationLimit } from '../server/core/registration-limit.ts';
import { Throttle } from '../server/core/throttle.ts';

async function setup(t: TestContext) {
  const accounts = await AccountStore.open(await tempDir(t, 'lab07-app'));
  t.after(() => accounts.close());
  return createApp({ accounts, sessions: new Sessions(), throttle: new Throttle(), registrations: new RegistrationLimit() });
}

describe('07 cores: HTTP', () => {
  before(() => buildClientIfStale(() => undefined));

  it('serves the web client that Vite built', async (t) => {
    const app = await setup(t);
    const res = await app.request('/');
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /^<!doctype html>.*<title>Chat Lab 07<\/title>.*<chat-app><\/chat-app>/s);
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)">/.exec(page)?.[1];
    assert.ok(script, 'the page loads the bundle');
    const bundle = await app.request(script);
    assert.equal(bundle.status, 200);
    assert.match(await bundle.text(), /customElements|chat-app/);
  });

  it('mounts the accounts API under /api', async (t) => {
    const app = await setup(t);
    assert.deepEqual(await (await app.request('/api/me')).json(), { account: null });
    const res = await app.request('/api/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', login: 'ada', password: 'analytical engine', age: 36, gender: 'female' }),
    });
    assert.equal(res.status, 201);
  });

  it('answers 404 for unknown paths and files outside client/', async (t) => {
    const app = await setup(t);
    for (const path of ['/nope', '/user', '/api/nope', '/static/../server/app.ts']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
  });

  it('answers 404, not "not built yet", to another method on / or on a file of the client', async (t) => {
    const app = await setup(t);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/', '/index.html']) {
        const res = await app.request(path, { method });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(await res.text(), `Not found: ${path}`);
      }
    }
    assert.equal((await app.request('/', { method: 'HEAD' })).status, 200);
  });
});
