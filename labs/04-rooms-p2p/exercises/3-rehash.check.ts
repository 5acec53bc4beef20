import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { AccountStore } from '../server/accounts/store.ts';

const PASSWORD = 'analytical engine';
const NEW_COST = /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/;

/** A hash as an older version of the lab would have made it, with N = 1024. */
function oldHash(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFKC'), salt, 64, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const account = (login: string, passwordHash: string) => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  login,
  age: 36,
  gender: 'female',
  createdAt: '2020-01-01T00:00:00.000Z',
  passwordHash,
});

/** A data folder whose accounts.json holds ada (and grace) with N = 1024 hashes. */
async function oldFolder(t: TestContext): Promise<{ dir: string; hashes: Record<string, string> }> {
  const dir = await tempDir(t, 'lab04-exercise-3');
  const hashes = { ada: oldHash(PASSWORD), grace: oldHash('cobol forever') };
  const accounts = Object.entries(hashes).map(([login, hash]) => account(login, hash));
  await writeFile(join(dir, 'accounts.json'), `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`);
  return { dir, hashes };
}

async function stored(dir: string): Promise<Record<string, { passwordHash: string; createdAt: string }>> {
  const { accounts } = JSON.parse(await readFile(join(dir, 'accounts.json'), 'utf8')) as { accounts: { login: string; passwordHash: string; createdAt: string }[] };
  return Object.fromEntries(accounts.map((a) => [a.login, a]));
}

async function open(t: TestContext, dir: string): Promise<AccountStore> {
  const store = await AccountStore.open(dir);
  t.after(() => store.close());
  return store;
}

describe('04 rooms-p2p exercise 3: Raise the cost, keep the accounts', () => {
  it('a new account gets a scrypt$32768$8$1$… hash', async (t) => {
    const dir = await tempDir(t, 'lab04-exercise-3');
    const store = await open(t, dir);
    const result = await store.register({ firstName: 'Bob', lastName: 'Test', login: 'bob', password: 'correct horse battery', age: 30, gender: 'male' });
    assert.ok(result.ok, `registering bob failed: ${JSON.stringify(result)}`);
    const hash = (await stored(dir)).bob!.passwordHash;
    assert.match(hash, NEW_COST, `New hashes should be made with N = 32768 (SCRYPT in server/accounts/store.ts); bob's is ${hash.split('$').slice(0, 4).join('$')}$…`);
    assert.ok(await store.verify('bob', 'correct horse battery'), 'bob should be able to log in with his new N = 32768 hash (pass a large enough maxmem to scrypt).');
    assert.equal(await store.verify('nobody', 'correct horse battery'), undefined, 'An unknown login should still be refused (and checked against a dummy hash at the new cost).');
  });

  it('a wrong password changes nothing; the right one logs in and saves a new hash at the new cost', async (t) => {
    const { dir, hashes } = await oldFolder(t);
    const store = await open(t, dir);
    assert.equal(await store.verify('ada', 'wrong password'), undefined, 'A wrong password must be refused.');
    const account = await store.verify('ada', PASSWORD);
    assert.equal(account?.login, 'ada', 'Ada should log in with her old N = 1024 hash: each hash says how it was made.');
    await store.close();
    const after = await stored(dir);
    assert.match(after.ada!.passwordHash, NEW_COST, `After Ada logged in (and close() waited for the rehash), accounts.json should hold a scrypt$32768 hash for her; it holds ${after.ada!.passwordHash.split('$').slice(0, 4).join('$')}$…`);
    assert.equal(after.ada!.createdAt, '2020-01-01T00:00:00.000Z', 'A rehash changes the hash only: the rest of the account stays as it was.');
    assert.equal(after.grace!.passwordHash, hashes.grace, 'Grace did not log in: her hash must not change.');
  });

  it('the new hash works after a restart, and a wrong password never rehashes', async (t) => {
    const { dir, hashes } = await oldFolder(t);
    const first = await AccountStore.open(dir);
    assert.equal(await first.verify('grace', 'not cobol'), undefined);
    assert.ok(await first.verify('ada', PASSWORD), 'Ada should log in with her old hash.');
    await first.close();
    assert.equal((await stored(dir)).grace!.passwordHash, hashes.grace, 'A wrong password for grace must leave her hash alone.');
    const rehashed = (await stored(dir)).ada!.passwordHash;
    assert.match(rehashed, NEW_COST, 'Ada\'s hash should have been upgraded when she logged in.');
    const again = await open(t, dir);
    assert.equal((await again.verify('ada', PASSWORD))?.login, 'ada', 'After a restart, Ada logs in with her new hash.');
    assert.equal(await again.verify('ada', 'wrong password'), undefined, 'The new hash must still refuse a wrong password.');
    await again.close();
    assert.equal((await stored(dir)).ada!.passwordHash, rehashed, 'A hash already at today\'s cost is not made again at each log-in.');
  });

  it('a rehash and a registration saved at the same time are both kept (one group commit)', async (t) => {
    const { dir } = await oldFolder(t);
    const store = await open(t, dir);
    const [account, registered] = await Promise.all([
      store.verify('ada', PASSWORD),
      store.register({ firstName: 'Cat', lastName: 'Test', login: 'cat', password: 'meow meow meow', age: 20, gender: 'other' }),
    ]);
    assert.ok(account && registered.ok, 'Ada logs in and cat registers.');
    await store.close();
    const after = await stored(dir);
    assert.ok(after.cat, 'cat was answered "registered" but is missing from accounts.json: save rehashes through #save(), never beside it.');
    assert.match(after.ada!.passwordHash, NEW_COST, 'Ada\'s rehash is missing from accounts.json.');
  });
});
