import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { LOCK_FILE } from '../server/accounts/data-lock.ts';
import { AccountStore, type StoreHooks } from '../server/accounts/store.ts';
import { ConfigError } from '../server/config.ts';

function form(login: string, password = `secret of ${login}`) {
  return { firstName: 'Test', lastName: `User ${login}`, login, password, age: 30, gender: 'other' };
}

async function openStore(t: TestContext, dir: string, hooks?: StoreHooks) {
  const store = await AccountStore.open(dir, hooks);
  t.after(() => store.close());
  return store;
}

async function registered(store: AccountStore, login: string, password?: string) {
  const result = await store.register(form(login, password));
  assert.ok(result.ok, JSON.stringify(result));
  return result.account;
}

describe('07 cores: account store', () => {
  it('registers, verifies, gets and lists accounts, and never hands out the hash', async (t) => {
    const store = await openStore(t, await tempDir(t, 'lab07-store'));
    const ada = await registered(store, 'Ada');
    await registered(store, 'bob');
    assert.deepEqual(Object.keys(ada).sort(), ['age', 'createdAt', 'firstName', 'gender', 'lastName', 'login']);
    assert.equal(ada.login, 'Ada', 'the login keeps its case');
    assert.deepEqual(await store.verify('ada', 'secret of Ada'), ada);
    assert.equal(await store.verify('Ada', 'secret of ada'), undefined, 'the password does keep its case');
    assert.equal(await store.verify('nobody', 'secret of Ada'), undefined);
    assert.deepEqual(store.get('ADA'), ada);
    assert.equal(store.get('nobody'), undefined);
    assert.deepEqual(store.list().map((account) => account.login), ['Ada', 'bob']);
  });

  it('answers 400 with an error per wrong field, and stores nothing', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const store = await openStore(t, dir);
    const result = await store.register({ ...form('x'), age: 'old' });
    assert.deepEqual(result, { ok: false, status: 400, errors: { login: 'Login must be 3 to 32 letters (any alphabet), digits, _ . or -, with no spaces.', age: 'Age must be a whole number from 13 to 120.' }, codes: { login: 'bad-login', age: 'bad-age' } });
    assert.deepEqual(await readdir(dir), [LOCK_FILE], 'no accounts.json');
  });

  it('refuses a login that is taken in any case, with 409 and an error on login', async (t) => {
    const store = await openStore(t, await tempDir(t, 'lab07-store'));
    await registered(store, 'Alice');
    assert.deepEqual(await store.register(form('ALICE')), { ok: false, status: 409, errors: { login: 'Login "ALICE" is taken: choose another.' }, codes: { login: 'login-taken' } });
  });

  it('lets exactly one of two concurrent registrations of Alice and alice win', async (t) => {
    const store = await openStore(t, await tempDir(t, 'lab07-store'));
    const results = await Promise.all([store.register(form('Alice')), store.register(form('alice'))]);
    assert.deepEqual(results.map((result) => result.ok || result.status), [true, 409]);
    assert.equal(store.list().length, 1);
  });

  it('keeps accounts across a restart', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const first = await AccountStore.open(dir);
    const ada = await registered(first, 'ada');
    await first.close();
    const again = await openStore(t, dir);
    assert.deepEqual(await again.verify('ada', 'secret of ada'), ada);
    assert.deepEqual(again.list(), [ada]);
    assert.equal((await again.register(form('ADA'))).ok, false, 'still taken');
  });

  it('on close, finishes the registrations under way', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const store = await AccountStore.open(dir);
    const pending = store.register(form('late'));
    await store.close();
    assert.ok((await pending).ok);
    await assert.rejects(store.register(form('later')), /closed/);
    assert.ok((await openStore(t, dir)).get('late'));
  });

  it('stores salted scrypt hashes only: never the password, never the same hash twice', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const store = await openStore(t, dir);
    await registered(store, 'twin1', 'same password');
    await registered(store, 'twin2', 'same password');
    const text = await readFile(join(dir, 'accounts.json'), 'utf8');
    assert.doesNotMatch(text, /same password/);
    const hashes = JSON.parse(text).accounts.map((account: { passwordHash: string }) => account.passwordHash);
    for (const hash of hashes) assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
    assert.notEqual(hashes[0], hashes[1]);
  });

  it('ignores and removes a leftover accounts.json.tmp from a crash', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const first = await AccountStore.open(dir);
    const ada = await registered(first, 'ada');
    await first.close();
    await writeFile(join(dir, 'accounts.json.tmp'), '{"accounts": [{"login": "half a wri');
    const again = await openStore(t, dir);
    assert.deepEqual(again.list(), [ada]);
    assert.deepEqual(await readdir(dir), ['accounts.json', LOCK_FILE]);
  });

  it('refuses to start on a file that is not a clean accounts file, in one sentence naming the file and the problem, and leaves it alone', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const first = await AccountStore.open(dir);
    await registered(first, 'Ada');
    await first.close();
    const clean = await readFile(join(dir, 'accounts.json'), 'utf8');
    const [ada] = JSON.parse(clean).accounts;
    const cases: [string, RegExp][] = [
      ['not json', /is not valid JSON \(.*\)/],
      ['[]', /is not an accounts file \(it should be/],
      ['{"accounts": [{"login": "x"}]}', /is not an accounts file: account 1 has no login or no passwordHash/],
      [`\uFEFF${clean}`, /starts with a byte-order mark/],
      [JSON.stringify({ version: 1, accounts: [ada, { ...ada, login: 'ada' }] }), /holds both "Ada" and "ada", one login written two ways/],
      [JSON.stringify({ version: 1, accounts: [{ ...ada, login: 'Jose\u0301' }, { ...ada, login: 'josé' }] }), /holds both "Jose\u0301" and "josé", one login written two ways/],
    ];
    for (const [text, problem] of cases) {
      await writeFile(join(dir, 'accounts.json'), text);
      await assert.rejects(AccountStore.open(dir), (error: Error) => {
        assert.ok(error instanceof ConfigError, `a ConfigError, which the lab prints as one line, for ${text.slice(0, 20)}`);
        assert.ok(error.message.startsWith(join(dir, 'accounts.json')), error.message);
        assert.match(error.message, problem);
        assert.match(error.message, /: fix it by hand, or move it away to start with no accounts\.$/);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
      assert.equal(await readFile(join(dir, 'accounts.json'), 'utf8'), text);
    }
  });

  it('takes the data folder for one server: a second store on it is refused while the first is open', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const first = await AccountStore.open(dir);
    await assert.rejects(AccountStore.open(dir), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `Another lab server (process ${process.pid}) is using ${dir}: stop it, or give this one its own folder with DATA_DIR (if no server runs, delete ${join(dir, LOCK_FILE)}).`);
      return true;
    });
    await registered(first, 'ada');
    await first.close();
    assert.deepEqual(await readdir(dir), ['accounts.json'], 'closing lets the folder go');
    assert.ok((await openStore(t, dir)).get('ada'));
  });

  it('confirms nothing that a failed save did not write, and frees the login again', async (t) => {
    let diskFull = true;
    const store = await openStore(t, await tempDir(t, 'lab07-store'), {
      writing() {
        if (diskFull) throw new Error('ENOSPC: no space left on device');
      },
    });
    await assert.rejects(store.register(form('ada')), /ENOSPC/);
    assert.equal(store.get('ada'), undefined);
    diskFull = false;
    assert.ok((await store.register(form('ada'))).ok);
  });

  it('saves a burst of 200 registrations in few writes: all that arrive during a write share the next', async (t) => {
    const dir = await tempDir(t, 'lab07-store');
    const batches: number[] = [];
    let release!: () => void;
    const slowDisk = new Promise<void>((resolve) => (release = resolve));
    const store = await openStore(t, dir, {
      queued(waiting) {
        if (batches[0] !== undefined && batches[0] + waiting === 200) release();
      },
      async writing(added) {
        batches.push(added);
        await slowDisk;
      },
    });
    const logins = Array.from({ length: 200 }, (_, i) => `burst${i}`);
    const results = await Promise.all(logins.map((login) => store.register(form(login))));
    assert.ok(results.every((result) => result.ok));
    assert.equal(batches.length, 2, `writes of ${batches.join(', ')} accounts`);
    assert.equal(batches[1], 200 - batches[0]!);
    await store.close();
    const again = await openStore(t, dir);
    assert.equal(again.list().length, 200);
    assert.ok(await again.verify('burst199', 'secret of burst199'));
  });
});
