import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Hono } from 'hono';
import { tempDir } from '@chat-lab/test-support';
import { Sessions } from '../server/accounts/sessions.ts';
import { AccountStore, type StoreHooks } from '../server/accounts/store.ts';
import { RegistrationLimit, type RegistrationLimits } from '../server/core/registration-limit.ts';
import { LogInLimit } from '../server/core/log-in-limit.ts';
import { Throttle } from '../server/core/throttle.ts';
import { apiRoutes } from '../server/routes/api.ts';

const ada = { firstName: 'Ada', lastName: 'Lovelace', login: 'Ada', password: 'analytical engine', age: 36, gender: 'female' };

interface Send {
  /** The caller's IP address, as the Node server would pass it; none in plain `app.request`. */
  address?: string;
  cookie?: string;
  type?: string;
}

async function start(t: TestContext, hooks?: StoreHooks, limits?: RegistrationLimits) {
  const accounts = await AccountStore.open(await tempDir(t, 'lab07-api'), hooks);
  t.after(() => accounts.close());
  let time = 0;
  const sessions = new Sessions({ now: () => time });
  const registrations = new RegistrationLimit(limits);
  const app = new Hono().route('/api', apiRoutes({ accounts, sessions, throttle: new Throttle(), registrations, now: () => time }));

  function post(path: string, body: unknown, { address, cookie, type = 'application/json' }: Send = {}) {
    const headers = { 'content-type': type, ...(cookie && { cookie }) };
    const init = { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
    return app.request(`/api${path}`, init, address && { incoming: { socket: { remoteAddress: address } } });
  }
  const logIn = (login: string, password: string, send?: Send) => post('/login', { login, password }, send);
  const me = (cookie?: string) => app.request('/api/me', { headers: cookie ? { cookie } : {} });
  const advance = (ms: number) => (time += ms);
  return { app, accounts, post, logIn, me, advance };
}

/** The answer's JSON, to look into freely. */
async function json(res: Response): Promise<any> {
  return res.json();
}

function sessionCookie(res: Response): string {
  const match = /^chat_session=([A-Za-z0-9_-]{43});/.exec(res.headers.get('set-cookie') ?? '');
  assert.ok(match, `a session cookie in ${res.headers.get('set-cookie')}`);
  return `chat_session=${match[1]}`;
}

describe('07 cores: accounts API', () => {
  it('registers with 201 and answers the account, never the password or its hash', async (t) => {
    const { post } = await start(t);
    const res = await post('/register', ada);
    assert.equal(res.status, 201);
    const { account } = await json(res);
    assert.deepEqual({ ...account, createdAt: undefined }, { firstName: 'Ada', lastName: 'Lovelace', login: 'Ada', age: 36, gender: 'female', createdAt: undefined });
  });

  it('answers 400 with an error naming each wrong field', async (t) => {
    const { post } = await start(t);
    const res = await post('/register', { ...ada, firstName: 'line\nbreak', password: 'short', gender: 'robot' });
    assert.equal(res.status, 400);
    const { errors } = await json(res);
    assert.deepEqual(Object.keys(errors), ['firstName', 'password', 'gender']);
    assert.match(errors.firstName, /^First name /);
    assert.match(errors.password, /^Password /);
    assert.match(errors.gender, /^Gender /);
  });

  it('sends a code beside each field error, for the page to say it in its own language', async (t) => {
    const { post } = await start(t);
    const res = await post('/register', { ...ada, firstName: '', lastName: 'x'.repeat(65), login: 'a b', password: 'short', age: 7, gender: 'robot' });
    assert.equal(res.status, 400);
    const { errors, codes } = await json(res);
    assert.deepEqual(codes, { firstName: 'required', lastName: 'too-long', login: 'bad-login', password: 'too-short', age: 'bad-age', gender: 'bad-gender' });
    assert.deepEqual(Object.keys(errors), Object.keys(codes), 'a sentence for each code, for a person using curl');
  });

  it('answers 409 when the login is taken, in any case', async (t) => {
    const { post } = await start(t);
    await post('/register', ada);
    const res = await post('/register', { ...ada, login: 'ADA' });
    assert.equal(res.status, 409);
    assert.deepEqual(await json(res), { errors: { login: 'Login "ADA" is taken: choose another.' }, codes: { login: 'login-taken' } });
  });

  it('answers 400 for a body that is not a JSON object', async (t) => {
    const { post } = await start(t);
    for (const body of ['not json', '{"login": ', '[1, 2]', '"ada"', 'null', '']) {
      for (const path of ['/register', '/login']) {
        const res = await post(path, body);
        assert.equal(res.status, 400, `${path} ${body}`);
        assert.match((await json(res)).error, /must be a JSON object/);
      }
    }
    const res = await post('/login', { login: 'ada' });
    assert.equal(res.status, 400);
    assert.match((await json(res)).error, /Send your login and password/);
  });

  it('answers 415 to anything but JSON, so no other site\'s form can post here', async (t) => {
    const { post, accounts } = await start(t);
    const form = new URLSearchParams({ ...ada, age: '36' }).toString();
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', '']) {
      for (const path of ['/register', '/login', '/logout']) {
        const res = await post(path, form, { type });
        assert.equal(res.status, 415, `${path} as ${type}`);
        assert.deepEqual(await json(res), { error: 'Send JSON, with Content-Type: application/json.' });
      }
    }
    assert.deepEqual(accounts.list(), []);
    assert.equal((await post('/register', ada, { type: 'Application/JSON; charset=utf-8' })).status, 201);
  });

  it('answers 403 to a request for another host name (DNS rebinding), and changes nothing', async (t) => {
    const { app, accounts } = await start(t);
    const register = (host: string) =>
      app.request('/api/register', { method: 'POST', headers: { host, 'content-type': 'application/json' }, body: JSON.stringify(ada) });
    for (const host of ['evil.example:3000', 'EVIL.example', 'localhost.evil.example:3000']) {
      const res = await register(host);
      assert.equal(res.status, 403, host);
      assert.match((await json(res)).error, /^Host [\w.]+ is not this server: open it by its address/);
    }
    assert.equal((await app.request('/api/me', { headers: { host: 'evil.example:3000' } })).status, 403);
    assert.deepEqual(accounts.list(), []);
    assert.equal((await register('127.0.0.1:3000')).status, 201, 'its own address may');
  });

  it('answers 413 to a body over 16 KiB, before reading it all', async (t) => {
    const { post, accounts } = await start(t);
    const res = await post('/register', { ...ada, firstName: 'x'.repeat(17 * 1024) });
    assert.equal(res.status, 413);
    assert.deepEqual(await json(res), { error: 'The request is larger than 16 KiB.' });
    assert.deepEqual(accounts.list(), []);
  });

  it('answers 500 with a JSON error, and confirms nothing, when the account cannot be saved', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    const { post, accounts } = await start(t, {
      writing() {
        throw new Error('EIO: i/o error');
      },
    });
    const res = await post('/register', ada);
    assert.equal(res.status, 500);
    assert.deepEqual(await json(res), { error: 'Something went wrong on the server: try again.' });
    assert.match(String(logged.mock.calls[0]?.arguments[0]), /EIO/);
    assert.deepEqual(accounts.list(), []);
  });

  it('logs in, in any case of the login, with an HttpOnly, SameSite=Strict session cookie', async (t) => {
    const { post, logIn } = await start(t);
    await post('/register', ada);
    const res = await logIn('ada', ada.password);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).account.login, 'Ada');
    const cookie = res.headers.get('set-cookie') ?? '';
    sessionCookie(res);
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) {
      assert.ok(cookie.split('; ').includes(attribute), `${attribute} in ${cookie}`);
    }
  });

  it('registers a login in any alphabet, and logs it in in any case and Unicode form: josé, then JOSE\u0301', async (t) => {
    const { post, logIn, me } = await start(t);
    assert.equal((await post('/register', { ...ada, login: 'josé' })).status, 201);
    const res = await logIn('JOSE\u0301', ada.password);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).account.login, 'josé');
    assert.equal((await json(await me(sessionCookie(res)))).account.login, 'josé');
    const again = await post('/register', { ...ada, login: 'Jose\u0301' });
    assert.equal(again.status, 409);
    assert.deepEqual(await json(again), { errors: { login: 'Login "José" is taken: choose another.' }, codes: { login: 'login-taken' } });
  });

  it('answers a wrong password and an unknown login alike: 401, without saying which', async (t) => {
    const { post, logIn } = await start(t);
    await post('/register', ada);
    for (const [login, password] of [['Ada', 'wrong password'], ['nobody', ada.password], ['no such login!', 'x']]) {
      const res = await logIn(login!, password!);
      assert.equal(res.status, 401, login);
      assert.equal(res.headers.get('set-cookie'), null);
      assert.deepEqual(await json(res), { error: 'Wrong login or password.', code: 'wrong-login' });
    }
  });

  it('shows who is logged in at /me, nobody as a null account (not an error), and logging out ends the session', async (t) => {
    const { post, logIn, me } = await start(t);
    await post('/register', ada);
    const cookie = sessionCookie(await logIn('Ada', ada.password));
    const res = await me(cookie);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).account.login, 'Ada');
    for (const visitor of [await me(), await me('chat_session=forged')]) {
      assert.equal(visitor.status, 200, 'a visitor who is not logged in is no error');
      assert.deepEqual(await json(visitor), { account: null });
    }

    const out = await post('/logout', {}, { cookie });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^chat_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
    const after = await me(cookie);
    assert.equal(after.status, 200);
    assert.deepEqual(await json(after), { account: null }, 'the old token no longer works, even if a copy was kept');
  });

  it('after 5 failures for a login, answers 429 with Retry-After for 15 minutes; other logins go on', async (t) => {
    const { post, logIn, advance } = await start(t);
    await post('/register', ada);
    await post('/register', { ...ada, login: 'bob' });
    for (let i = 0; i < 5; i++) assert.equal((await logIn('ADA', `guess ${i}`)).status, 401);
    const res = await logIn('ada', ada.password);
    assert.equal(res.status, 429, 'even the right password waits');
    assert.equal(res.headers.get('retry-after'), '900');
    assert.deepEqual(await json(res), { error: 'Too many failed attempts: try again in 15 minutes.', code: 'too-many', minutes: 15 });
    assert.equal((await logIn('bob', ada.password)).status, 200);
    advance(15 * 60_000);
    assert.equal((await logIn('Ada', ada.password)).status, 200);
  });

  it('after 20 failures from one address, answers 429 for any login from it; other addresses go on', async (t) => {
    const { post, logIn } = await start(t);
    await post('/register', ada);
    for (let i = 0; i < 20; i++) assert.equal((await logIn(`user${i}`, 'guess', { address: '10.0.0.66' })).status, 401);
    assert.equal((await logIn('Ada', ada.password, { address: '10.0.0.66' })).status, 429);
    assert.equal((await logIn('Ada', ada.password, { address: '10.0.0.7' })).status, 200);
  });

  it('forgets a login\'s failures once its password is right', async (t) => {
    const { post, logIn } = await start(t);
    await post('/register', ada);
    for (let i = 0; i < 4; i++) await logIn('Ada', 'typo');
    assert.equal((await logIn('Ada', ada.password)).status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await logIn('Ada', 'typo')).status, 401);
    assert.equal((await logIn('Ada', ada.password)).status, 200);
  });

  it('limits log-ins with the right password too: after 10 of one login in 15 minutes, 429 with Retry-After', async (t) => {
    const { post, logIn, advance } = await start(t);
    await post('/register', ada);
    await post('/register', { ...ada, login: 'bob' });
    for (let i = 0; i < 10; i++) assert.equal((await logIn('Ada', ada.password, { address: `10.0.0.${i}` })).status, 200);
    const res = await logIn('ada', ada.password, { address: '10.0.0.99' });
    assert.equal(res.status, 429, 'the 11th log-in of one login, from any address');
    assert.equal(res.headers.get('retry-after'), '900');
    assert.deepEqual(await json(res), { error: 'Too many log-ins: try again in 15 minutes.', code: 'too-many', minutes: 15 });
    assert.equal((await logIn('bob', ada.password, { address: '10.0.0.99' })).status, 200, 'other logins go on');
    advance(15 * 60_000);
    assert.equal((await logIn('Ada', ada.password, { address: '10.0.0.99' })).status, 200, 'the window slides');
  });

  it('does not count wrong guesses at a login against its log-ins', async (t) => {
    const { post, logIn } = await start(t);
    await post('/register', ada);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) assert.equal((await logIn('Ada', 'guess', { address: `10.0.${round}.${i}` })).status, 401);
      assert.equal((await logIn('Ada', ada.password, { address: '10.0.0.7' })).status, 200, `log-in ${round + 1}, after ${4 * (round + 1)} guesses`);
    }
  });

  it('counts parallel guesses before checking them, so a burst cannot slip past the limit', async (t) => {
    const { post, logIn } = await start(t);
    await post('/register', ada);
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => logIn('Ada', `guess ${i}`)).map(async (res) => (await res).status));
    assert.deepEqual(statuses.sort(), [...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  const THREE_A_MINUTE = { burst: 3, everyMs: 60_000, maxAddresses: 100 };

  it('after the burst of registrations from one address, answers 429 with Retry-After before any hashing; other addresses go on', async (t) => {
    const { post, accounts, advance } = await start(t, undefined, THREE_A_MINUTE);
    const from66 = { address: '10.0.0.66' };
    for (const login of ['ann', 'ben', 'cat']) assert.equal((await post('/register', { ...ada, login }, from66)).status, 201, login);
    const register = t.mock.method(accounts, 'register');
    const res = await post('/register', { ...ada, login: 'dan' }, from66);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '60');
    assert.deepEqual(await json(res), { error: 'Too many registrations from your address: try again in 1 minute.', code: 'too-many', minutes: 1 });
    assert.equal(register.mock.callCount(), 0, 'refused before the store is asked, so before any hash');
    assert.deepEqual(accounts.list().map((account) => account.login), ['ann', 'ben', 'cat'], 'no account made');
    assert.equal((await post('/register', { ...ada, login: 'dan' }, { address: '10.0.0.7' })).status, 201, 'another address');
    advance(60_000);
    assert.equal((await post('/register', { ...ada, login: 'eve' }, from66)).status, 201, 'one more a minute later');
    assert.equal((await post('/register', { ...ada, login: 'fay' }, from66)).status, 429, 'and only one');
  });

  it('does not count registrations refused without a hash (400, 409)', async (t) => {
    const { post } = await start(t, undefined, THREE_A_MINUTE);
    const from66 = { address: '10.0.0.66' };
    assert.equal((await post('/register', ada, from66)).status, 201);
    for (let i = 0; i < 10; i++) {
      assert.equal((await post('/register', { ...ada, login: 'ADA' }, from66)).status, 409);
      assert.equal((await post('/register', { ...ada, login: 'bob', age: 12 }, from66)).status, 400);
    }
    assert.equal((await post('/register', { ...ada, login: 'bob' }, from66)).status, 201);
    assert.equal((await post('/register', { ...ada, login: 'cat' }, from66)).status, 201);
    assert.equal((await post('/register', { ...ada, login: 'dan' }, from66)).status, 429);
  });

  it('counts parallel registrations before hashing them, so a burst cannot slip past the limit', async (t) => {
    const { post, accounts } = await start(t, undefined, THREE_A_MINUTE);
    const logins = Array.from({ length: 8 }, (_, i) => `user${i}`);
    const statuses = await Promise.all(logins.map(async (login) => (await post('/register', { ...ada, login }, { address: '10.0.0.66' })).status));
    assert.deepEqual(statuses.sort(), [...Array(3).fill(201), ...Array(5).fill(429)]);
    assert.equal(accounts.list().length, 3);
  });
});

describe('07 cores: sessions and the log-in limit', () => {
  it('allows 60 log-in attempts per address and 10 log-ins per login in 15 minutes; a wrong password is given back to the login only', () => {
    const limit = new LogInLimit();
    for (let i = 0; i < 10; i++) assert.deepEqual(limit.take('ada', '10.0.0.1', i * 1000), { ok: true });
    assert.deepEqual(limit.take('ADA', '10.0.0.2', 10_000), { ok: false, retryAfterSeconds: 890 }, 'the 11th of one login, any case, any address');
    limit.giveBack('ada');
    assert.deepEqual(limit.take('ada', '10.0.0.2', 10_000), { ok: true }, 'a wrong password is not a log-in of that login');
    for (let i = 10; i < 60; i++) assert.equal(limit.take(`user${i}`, '10.0.0.1', 10_000).ok, true, `attempt ${i + 1} from 10.0.0.1`);
    assert.deepEqual(limit.take('zoe', '10.0.0.1', 10_000), { ok: false, retryAfterSeconds: 890 }, 'the 61st from one address, right or wrong');
    assert.equal(limit.take('zoe', '10.0.0.3', 10_000).ok, true, 'other addresses go on');
    assert.equal(limit.take('zoe', '10.0.0.1', 15 * 60_000).ok, true, 'the window slides');
  });


  it('keeps at most 10 sessions per login, ending that login\'s oldest: 10,050 log-ins of one account log nobody else out', () => {
    const sessions = new Sessions();
    const adas = [sessions.create('Ada')];
    const mallorys = Array.from({ length: 10_050 }, () => sessions.create('mallory'));
    assert.equal(sessions.loginFor(adas[0]), 'Ada', 'Ada is still logged in');
    assert.deepEqual(mallorys.slice(-10).map((token) => sessions.loginFor(token)), Array(10).fill('mallory'));
    assert.equal(sessions.loginFor(mallorys.at(-11)), undefined, 'mallory\'s 11th newest session ended');
    for (let i = 0; i < 9; i++) adas.push(sessions.create('Ada'));
    assert.ok(adas.every((token) => sessions.loginFor(token) === 'Ada'), 'Ada\'s 10 sessions');
    sessions.create('Ada');
    assert.equal(sessions.loginFor(adas[0]), undefined, 'the 11th ends Ada\'s oldest');
    assert.equal(sessions.loginFor(adas[1]), 'Ada');
  });

  it('calls onLogout with the token of the session logged out, and only for a live one', () => {
    const ended: string[] = [];
    const sessions = new Sessions({ onLogout: (token) => ended.push(token) });
    const [first, second] = [sessions.create('Ada'), sessions.create('Ada')];
    sessions.revoke(first);
    sessions.revoke(first);
    sessions.revoke('made-up');
    sessions.revoke(undefined);
    assert.deepEqual(ended, [first]);
    assert.equal(sessions.loginFor(second), 'Ada', 'Ada\'s other session stays');
  });
});
