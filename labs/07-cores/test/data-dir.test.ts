import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { LOCK_FILE } from '../server/accounts/data-lock.ts';
import { AccountStore } from '../server/accounts/store.ts';
import { spawnLab, spawnRefusedLab } from './lab-process.ts';

const ada = { firstName: 'Ada', lastName: 'Lovelace', login: 'Ada', password: 'analytical engine', age: 36, gender: 'female' };

describe('07 cores: one server per data folder, and a hand-edited accounts.json', () => {
  it('refuses a second server on the same DATA_DIR with one line; after a kill -9, the next one takes the folder over', async (t) => {
    const dir = await tempDir(t, 'lab07-data-dir');
    const data = join(dir, 'data');
    const first = await spawnLab(t, data, join(dir, 'logs'));
    const lock = (await readFile(join(data, LOCK_FILE), 'utf8')).trim();
    assert.equal(lock, String(first.process.pid));

    const second = await spawnRefusedLab(t, data, join(dir, 'logs-2'));
    assert.equal(second.code, 1, `the second server should refuse to start; it printed ${second.stdout}`);
    assert.equal(second.stderr, `Error: Another lab server (process ${lock}) is using ${data}: stop it, or give this one its own folder with DATA_DIR (if no server runs, delete ${join(data, LOCK_FILE)}).\n`);

    const registered = await fetch(`${first.url}/api/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ada) });
    assert.equal(registered.status, 201);
    const exited = once(first.process, 'exit');
    first.process.kill('SIGKILL');
    await exited;
    const third = await spawnLab(t, data, join(dir, 'logs-3'));
    assert.equal((await readFile(join(data, LOCK_FILE), 'utf8')).trim(), String(third.process.pid), 'the lock of the killed server is taken over');
    const loggedIn = await fetch(`${third.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'ada', password: ada.password }) });
    assert.equal(loggedIn.status, 200, 'and the account confirmed by the first is there');
  });

  it('takes over a lock left by a process that is gone', async (t) => {
    const dir = await tempDir(t, 'lab07-data-dir');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(dir, LOCK_FILE), `${gone.stdout}\n`);
    const store = await AccountStore.open(dir);
    t.after(() => store.close());
    assert.equal(await readFile(join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    assert.equal((await store.register(ada)).ok, true);
  });

  it('refuses to start, in one line naming the file, on an accounts.json with both Ada and ada', async (t) => {
    const dir = await tempDir(t, 'lab07-data-dir');
    const data = join(dir, 'data');
    const account = { firstName: 'Ada', lastName: 'Lovelace', login: 'Ada', age: 36, gender: 'female', createdAt: '2026-11-22T14:03:07.000Z', passwordHash: 'scrypt$16384$8$1$x$y' };
    const text = JSON.stringify({ version: 1, accounts: [account, { ...account, login: 'ada' }] });
    await mkdir(data);
    await writeFile(join(data, 'accounts.json'), text);
    const refused = await spawnRefusedLab(t, data, join(dir, 'logs'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: \S+accounts\.json holds both "Ada" and "ada", one login written two ways .*: fix it by hand, or move it away to start with no accounts\.\n$/);
    assert.equal(await readFile(join(data, 'accounts.json'), 'utf8'), text, 'the file is left alone');
  });

  it('refuses to start, in one line, on an accounts.json saved with a byte-order mark', async (t) => {
    const dir = await tempDir(t, 'lab07-data-dir');
    const data = join(dir, 'data');
    await mkdir(data);
    await writeFile(join(data, 'accounts.json'), '\uFEFF{"version": 1, "accounts": []}\n');
    const refused = await spawnRefusedLab(t, data, join(dir, 'logs'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: \S+accounts\.json starts with a byte-order mark .*\n$/);
  });
});
