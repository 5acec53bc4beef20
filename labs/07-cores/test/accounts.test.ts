import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRegistration, loginKey } from '../server/core/accounts.ts';
import { GENDERS, type FieldErrors } from '../shared/accounts.ts';
import { REGISTRATION_LIMITS, RegistrationLimit } from '../server/core/registration-limit.ts';
import { Throttle } from '../server/core/throttle.ts';

const valid = { firstName: 'Ada', lastName: 'Lovelace', login: 'ada.l', password: 'correct horse', age: 36, gender: 'female' };

function errorsFor(changes: Record<string, unknown>): FieldErrors {
  const result = checkRegistration({ ...valid, ...changes });
  assert.equal(result.ok, false, `expected ${JSON.stringify(changes)} to be refused`);
  return result.ok ? {} : result.errors;
}

function accepted(changes: Record<string, unknown>) {
  const result = checkRegistration({ ...valid, ...changes });
  assert.ok(result.ok, `expected ${JSON.stringify(changes)} to be accepted: ${JSON.stringify(!result.ok && result.errors)}`);
  return result.registration;
}

describe('07 cores: registration form', () => {
  it('accepts a complete form and trims the names', () => {
    assert.deepEqual(accepted({ firstName: '  Ada ', lastName: 'Lovelace\u00a0' }), { ...valid, firstName: 'Ada', lastName: 'Lovelace' });
  });

  it('names every missing field, each in one sentence', () => {
    const result = checkRegistration({});
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors, {
      firstName: 'First name is required.',
      lastName: 'Last name is required.',
      login: 'Login is required.',
      password: 'Password is required.',
      age: 'Age is required.',
      gender: 'Gender must be one of: female, male, non-binary, other, prefer not to say.',
    });
  });

  it('treats a body that is not an object as an empty form', () => {
    for (const raw of [null, undefined, 'ada', 42, []]) {
      const result = checkRegistration(raw);
      assert.equal(result.ok, false);
      assert.equal(Object.keys(!result.ok ? result.errors : {}).length, 6);
    }
  });

  it('reports only the fields that are wrong', () => {
    assert.deepEqual(Object.keys(errorsFor({ login: 'x', age: 7 })), ['login', 'age']);
  });

  it('wants names of 1 to 64 characters after trimming', () => {
    assert.equal(errorsFor({ firstName: '   ' }).firstName, 'First name is required.');
    assert.equal(errorsFor({ lastName: 42 }).lastName, 'Last name is required.');
    assert.equal(errorsFor({ firstName: 'a'.repeat(65) }).firstName, 'First name must be at most 64 characters.');
    assert.equal(accepted({ firstName: 'a'.repeat(64) }).firstName.length, 64);
    assert.equal(accepted({ lastName: 'Ó' }).lastName, 'Ó');
  });

  it('refuses line breaks, control characters and direction marks in names', () => {
    const hostile = ['two\nlines', 'carriage\rreturn', 'tab\there', 'NUL\x00', 'escape\x1b[31m', 'DEL\x7f', 'NEL\u0085', 'line\u2028sep', 'para\u2029sep', 'Bob\u202egnp.exe', 'isolate\u2067x\u2069', 'mark\u200f'];
    for (const name of hostile) {
      assert.equal(errorsFor({ lastName: name }).lastName, 'Last name must not contain line breaks, control characters or direction marks.', JSON.stringify(name));
    }
  });

  it('keeps HTML, emoji and any script in names as plain text', () => {
    for (const name of ['<script>alert("x")</script>', '<b>Bold</b> & co', 'Zoë 🙂', '中文', 'عائشة', 'José-María O\'Neil', 'Ω']) {
      assert.equal(accepted({ firstName: name }).firstName, name);
    }
  });

  it('wants a login of 3 to 32 letters of any alphabet, digits, _ . or -, counted in code points', () => {
    for (const login of ['abc', 'A_b.c-9', 'x'.repeat(32), '...', '007', 'josé', 'ação', 'Ñandú_2', 'émile', 'Алиса', '東京都', 'नमस्ते', 'é'.repeat(32)]) {
      assert.equal(accepted({ login }).login, login);
    }
    const refused = ['ab', 'x'.repeat(33), 'é'.repeat(33), 'has space', 'a b', 'ab\u200d', 'x\u202e', 'alice\ufe0f', '\u3164ab', '😀😀😀', '1\u20e3ab', 'a/b', 'a@b', ' alice', 'alice\n', '<b>x</b>'];
    for (const login of refused) {
      assert.equal(errorsFor({ login }).login, 'Login must be 3 to 32 letters (any alphabet), digits, _ . or -, with no spaces.', JSON.stringify(login));
    }
    for (const login of ['', null, 42, ['alice']]) assert.equal(errorsFor({ login }).login, 'Login is required.');
  });

  it('stores a login normalised (NFKC): an accent typed as a combining mark, or full-width letters, become one form', () => {
    assert.equal(accepted({ login: 'jose\u0301' }).login, 'josé');
    assert.equal(accepted({ login: 'ｊｏｓé' }).login, 'josé');
    assert.equal(accepted({ login: 'ac\u0327a\u0303o' }).login, 'ação');
  });

  it('compares logins without case, in any Unicode form', () => {
    assert.equal(loginKey('Alice'), loginKey('aLICE'));
    assert.notEqual(loginKey('alice'), loginKey('alice_'));
    assert.equal(loginKey('JOSÉ'), loginKey('josé'));
    assert.equal(loginKey('JOSE\u0301'), loginKey('josé'));
    assert.equal(loginKey('ｊｏｓé'), loginKey('josé'));
    assert.notEqual(loginKey('jose'), loginKey('josé'));
  });

  it('wants a password of 8 to 256 characters, any characters, kept as typed', () => {
    assert.equal(errorsFor({ password: '1234567' }).password, 'Password must be at least 8 characters.');
    assert.equal(errorsFor({ password: 'x'.repeat(257) }).password, 'Password must be at most 256 characters.');
    assert.equal(errorsFor({ password: 12345678 }).password, 'Password is required.');
    for (const password of ['12345678', 'x'.repeat(256), '  spaces  ', 'ünïcödé 🙂🙂', 'tab\tand\nnewline']) {
      assert.equal(accepted({ password }).password, password);
    }
  });

  it('wants an age that is a whole number from 13 to 120', () => {
    for (const age of [13, 120, 36, '36', ' 40 ']) assert.equal(accepted({ age }).age, Number(age));
    for (const age of [12, 121, 0, -20, 36.5, '36.5', '3e1', 'forty', 1990, NaN, Infinity, true, [36], {}]) {
      assert.equal(errorsFor({ age }).age, 'Age must be a whole number from 13 to 120.', String(age));
    }
    for (const age of [undefined, null, '']) assert.equal(errorsFor({ age }).age, 'Age is required.');
  });

  it('wants a gender from the list, "prefer not to say" included', () => {
    assert.ok(GENDERS.includes('prefer not to say'));
    for (const gender of GENDERS) assert.equal(accepted({ gender }).gender, gender);
    for (const gender of ['Female', 'robot', '', null, 1]) {
      assert.match(errorsFor({ gender }).gender ?? '', /^Gender must be one of: .*prefer not to say\.$/);
    }
  });
});

const MINUTE = 60_000;

describe('07 cores: login throttle', () => {
  it('allows 5 failures for a login in 15 minutes, then says how long to wait', () => {
    const throttle = new Throttle();
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(throttle.check('alice', '10.0.0.1', i * MINUTE), { ok: true });
      throttle.fail('alice', '10.0.0.1', i * MINUTE);
    }
    assert.deepEqual(throttle.check('alice', '10.0.0.1', 5 * MINUTE), { ok: false, retryAfterSeconds: 10 * 60 });
    assert.deepEqual(throttle.check('ALICE', '10.0.0.2', 5 * MINUTE), { ok: false, retryAfterSeconds: 10 * 60 }, 'any case, any address');
    assert.deepEqual(throttle.check('bob', '10.0.0.1', 5 * MINUTE), { ok: true }, 'other logins are not affected');
  });

  it('lets the oldest failure expire: the window slides', () => {
    const throttle = new Throttle();
    for (let i = 0; i < 5; i++) throttle.fail('alice', `10.0.0.${i}`, i * MINUTE);
    assert.equal(throttle.check('alice', 'x', 15 * MINUTE - 1).ok, false);
    assert.deepEqual(throttle.check('alice', 'x', 15 * MINUTE), { ok: true });
    throttle.fail('alice', 'x', 15 * MINUTE);
    assert.deepEqual(throttle.check('alice', 'x', 15 * MINUTE), { ok: false, retryAfterSeconds: 60 });
  });

  it('allows 20 failures from one address, whatever the logins', () => {
    const throttle = new Throttle();
    for (let i = 0; i < 20; i++) throttle.fail(`user${i}`, '10.0.0.9', 1000);
    assert.deepEqual(throttle.check('fresh', '10.0.0.9', 1000), { ok: false, retryAfterSeconds: 15 * 60 });
    assert.deepEqual(throttle.check('fresh', '10.0.0.8', 1000), { ok: true });
  });

  it('forgets a login\'s failures on success, and the address\'s attempt it counted first', () => {
    const throttle = new Throttle({ perLogin: 2, perAddress: 3, windowMs: 15 * MINUTE, maxKeys: 100 });
    throttle.fail('alice', 'a', 0);
    throttle.fail('alice', 'a', 0);
    assert.equal(throttle.check('alice', 'a', 0).ok, false);
    throttle.succeed('alice', 'a');
    assert.equal(throttle.check('alice', 'a', 0).ok, true);
    throttle.fail('bob', 'a', 0);
    assert.equal(throttle.check('carol', 'a', 0).ok, true);
    throttle.fail('carol', 'a', 0);
    assert.equal(throttle.check('dave', 'a', 0).ok, false, 'the address kept its first failure: 1 + 2 = 3');
  });

  it('remembers at most maxKeys logins and addresses, and drops expired ones', () => {
    const throttle = new Throttle({ perLogin: 5, perAddress: 20, windowMs: MINUTE, maxKeys: 50 });
    for (let i = 0; i < 1000; i++) throttle.fail(`user${i}`, `10.0.${i >> 8}.${i & 255}`, i);
    assert.equal(throttle.size, 50);
    assert.equal(throttle.check('user999', 'z', 1000).ok, true);
    throttle.fail('late', 'z', 10 * MINUTE);
    assert.equal(throttle.size, 2, 'only the fresh failures are left');
  });
});

describe('07 cores: registration limit', () => {
  it('lets a class of 40 behind one address register at once, with the default numbers: 60, then 1 a minute', () => {
    assert.deepEqual(REGISTRATION_LIMITS, { burst: 60, everyMs: MINUTE, maxAddresses: 10_000 });
    const limit = new RegistrationLimit();
    for (let i = 0; i < 40; i++) assert.deepEqual(limit.take('school', 0), { ok: true }, `student ${i + 1}`);
    for (let i = 0; i < 20; i++) assert.deepEqual(limit.take('school', 0), { ok: true }, `a second account ${i + 1}`);
    assert.deepEqual(limit.take('school', 0), { ok: false, retryAfterSeconds: 60 });
    assert.deepEqual(limit.take('home', 0), { ok: true }, 'other addresses are not affected');
    assert.deepEqual(limit.take('school', MINUTE), { ok: true });
    assert.equal(limit.take('school', MINUTE).ok, false);
  });

  it('refills one registration per interval, never above the burst, and says how long to wait', () => {
    const limit = new RegistrationLimit({ burst: 2, everyMs: MINUTE, maxAddresses: 100 });
    assert.deepEqual([limit.take('a', 0).ok, limit.take('a', 0).ok], [true, true]);
    assert.deepEqual(limit.take('a', 0), { ok: false, retryAfterSeconds: 60 });
    assert.deepEqual(limit.take('a', MINUTE / 2), { ok: false, retryAfterSeconds: 30 }, 'a refused attempt costs nothing');
    assert.deepEqual(limit.take('a', MINUTE), { ok: true });
    const later = 24 * 60 * MINUTE;
    assert.deepEqual([limit.take('a', later).ok, limit.take('a', later).ok, limit.take('a', later).ok], [true, true, false], 'a day idle: still 2');
  });

  it('takes back a registration given back, never above the burst', () => {
    const limit = new RegistrationLimit({ burst: 2, everyMs: MINUTE, maxAddresses: 100 });
    limit.take('a', 0);
    limit.take('a', 0);
    limit.giveBack('a', 0);
    assert.equal(limit.take('a', 0).ok, true);
    assert.equal(limit.take('a', 0).ok, false);
    limit.giveBack('b', 0);
    limit.giveBack('b', 0);
    assert.deepEqual([limit.take('b', 0).ok, limit.take('b', 0).ok, limit.take('b', 0).ok], [true, true, false]);
  });

  it('remembers at most maxAddresses, and forgets addresses whose bucket is full again', () => {
    const limit = new RegistrationLimit({ burst: 5, everyMs: MINUTE, maxAddresses: 50 });
    for (let i = 0; i < 1000; i++) limit.take(`10.0.${i >> 8}.${i & 255}`, i);
    assert.equal(limit.size, 50);
    const verdicts = Array.from({ length: 100 }, () => limit.take('busy', 2000).ok);
    assert.equal(verdicts.filter(Boolean).length, 5);
    assert.equal(limit.size, 50, 'refused attempts add nothing');
    limit.take('late', 3 * MINUTE);
    assert.equal(limit.size, 2, 'full buckets are as good as none: only "busy" and "late" are left');
  });
});
