import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Hono } from 'hono';
import { tempDir } from '@chat-lab/test-support';
import { Sessions } from '../server/accounts/sessions.ts';
import { AccountStore } from '../server/accounts/store.ts';
import { Throttle } from '../server/core/throttle.ts';
import { apiRoutes } from '../server/routes/api.ts';

const MINUTE = 60_000;
const ada = { firstName: 'Ada', lastName: 'Lovelace', login: 'Ada', password: 'analytical engine', age: 36, gender: 'female' };

/** The real accounts API with a temporary store; `logIn` says which address the request comes from. */
async function api(t: TestContext) {
  const accounts = await AccountStore.open(await tempDir(t, 'lab04-exercise-4'));
  t.after(() => accounts.close());
  const app = new Hono().route('/api', apiRoutes({ accounts, sessions: new Sessions(), throttle: new Throttle(), now: () => 0 }));
  const post = (path: string, body: object, address: string) =>
    app.request(`/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, { incoming: { socket: { remoteAddress: address } } });
  assert.equal((await post('/register', ada, '10.0.0.7')).status, 201, 'register Ada');
  return (login: string, password: string, address: string) => post('/login', { login, password }, address);
}

describe('04 rooms-p2p exercise 4: A lockout nobody else can cause', () => {
  it('5 wrong guesses for ada from 10.0.0.66 lock ada out from 10.0.0.66 only', () => {
    const throttle = new Throttle();
    for (let i = 0; i < 5; i++) throttle.fail('ada', '10.0.0.66', i * MINUTE);
    assert.deepEqual(throttle.check('ada', '10.0.0.7', 5 * MINUTE), { ok: true }, 'Ada on her own laptop (10.0.0.7) was locked out by guesses from 10.0.0.66: count failures per (login, address) pair.');
    assert.deepEqual(throttle.check('ADA', '10.0.0.66', 5 * MINUTE), { ok: false, retryAfterSeconds: 10 * 60 }, 'The guesser at 10.0.0.66 should still wait (the oldest of its 5 failures expires in 10 minutes), in any case of the login.');
  });

  it('a right password from one address forgets that pair\'s failures, and not another pair\'s', () => {
    const throttle = new Throttle();
    for (let i = 0; i < 5; i++) throttle.fail('ada', '10.0.0.66', 0);
    for (let i = 0; i < 4; i++) throttle.fail('ada', '10.0.0.7', 0);
    assert.deepEqual(throttle.check('ada', '10.0.0.7', 0), { ok: true }, 'Ada mistyped 4 times at 10.0.0.7: she may try a 5th time, whatever 10.0.0.66 did.');
    throttle.fail('ada', '10.0.0.7', 0);
    throttle.succeed('ada', '10.0.0.7');
    assert.equal(throttle.check('ada', '10.0.0.7', 0).ok, true, 'After a right password at 10.0.0.7, that pair starts again from 0.');
    assert.equal(throttle.check('ada', '10.0.0.66', 0).ok, false, 'Ada\'s log-in at 10.0.0.7 must not unlock the guesser at 10.0.0.66.');
  });

  it('through the API: Ada logs in from her laptop after 5 guesses elsewhere; the guesser gets 429', async (t) => {
    const logIn = await api(t);
    for (let i = 0; i < 5; i++) assert.equal((await logIn('ada', `guess ${i}`, '10.0.0.66')).status, 401, `guess ${i + 1}`);
    const mine = await logIn('Ada', ada.password, '10.0.0.7');
    assert.equal(mine.status, 200, `Ada's log-in from 10.0.0.7 got ${mine.status} ${await mine.text()}: she never mistyped there.`);
    const theirs = await logIn('ada', 'guess 6', '10.0.0.66');
    assert.equal(theirs.status, 429, 'The 6th guess from 10.0.0.66 should get 429.');
    assert.equal(theirs.headers.get('retry-after'), '900', 'with Retry-After: 900 (15 minutes)');
  });

  it('20 failures from one address, whatever the logins, still lock that address', async (t) => {
    const logIn = await api(t);
    for (let i = 0; i < 4; i++) assert.equal((await logIn('ada', `guess ${i}`, '10.0.0.66')).status, 401);
    assert.equal((await logIn('Ada', ada.password, '10.0.0.7')).status, 200, 'Ada logs in from 10.0.0.7.');
    for (let i = 0; i < 16; i++) assert.equal((await logIn(`user${i}`, 'guess', '10.0.0.66')).status, 401);
    assert.equal((await logIn('Ada', ada.password, '10.0.0.66')).status, 429, 'After 20 failures from 10.0.0.66 (4 for ada, 16 for others), that address must get 429 for any login.');
    assert.equal((await logIn('Ada', ada.password, '10.0.0.8')).status, 200, 'Another address is not affected.');
    for (let i = 0; i < 5; i++) await logIn('ada', 'nope', `10.0.1.${i}`);
    assert.equal((await logIn('Ada', ada.password, '10.0.0.9')).status, 200, 'One wrong guess from each of 5 addresses must not lock Ada out either.');
  });
});
