import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { REGISTRATION_LIMITS } from '../server/core/registration-limit.ts';
import { spawnLab, type LabProcess } from './lab-process.ts';

const ROUNDS = 3;
/** All from 127.0.0.1: no more than one server's registration limit lets one address make at once. */
const MAX_REGISTRATIONS = REGISTRATION_LIMITS.burst;
const CONCURRENCY = 20;
const KILL_AFTER = 30;

function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const passwordOf = (login: string) => `password of ${login}`;

/** Runs `work` on each item, `concurrency` at a time; a worker stops when its work returns false. */
async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<boolean>): Promise<void> {
  const queue = items.values();
  const worker = async () => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      if (!(await work(next.value))) return;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Registers accounts `CONCURRENCY` at a time and SIGKILLs the server once `KILL_AFTER` are
 * confirmed, while others are being hashed and written. Returns every login answered 201: the
 * server answers only once the account is on disk, so even a 201 that arrives after the kill counts.
 */
async function registerUntilKilled(server: LabProcess, round: number): Promise<string[]> {
  const confirmed: string[] = [];
  const exited = once(server.process, 'exit');
  let killed = false;
  const kill = () => {
    killed = true;
    server.process.kill('SIGKILL');
  };
  const logins = Array.from({ length: MAX_REGISTRATIONS }, (_, i) => `r${round}u${i}`);
  await inParallel(logins, CONCURRENCY, async (login) => {
    const form = { firstName: 'Crash', lastName: `Test ${login}`, login, password: passwordOf(login), age: 30, gender: 'other' };
    const res = await post(server.url, '/register', form).catch((error: Error) => {
      assert.ok(killed, `only the kill may cut a registration: ${error.message}`);
    });
    if (!res) return false;
    assert.equal(res.status, 201, login);
    confirmed.push(login);
    await res.body?.cancel();
    if (confirmed.length === KILL_AFTER) kill();
    return true;
  });
  if (!killed) kill();
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  return confirmed;
}

async function assertLogsIn(server: LabProcess, logins: string[]): Promise<void> {
  const refused: string[] = [];
  await inParallel(logins, 8, async (login) => {
    const res = await post(server.url, '/login', { login, password: passwordOf(login) });
    if (res.status !== 200) refused.push(`${login}: ${res.status}`);
    await res.body?.cancel();
    return true;
  });
  assert.deepEqual(refused, []);
}

describe('07 cores: accounts survive a crash', () => {
  it(`keeps every confirmed account when the server is SIGKILLed mid-burst (${ROUNDS} times)`, async (t) => {
    const dataDir = await tempDir(t, 'lab07-crash');
    const confirmed: string[] = [];
    let server = await spawnLab(t, dataDir, join(dataDir, 'logs'));
    for (let round = 1; round <= ROUNDS; round++) {
      const now = await registerUntilKilled(server, round);
      assert.ok(now.length >= KILL_AFTER, `${now.length} confirmed in round ${round}`);
      confirmed.push(...now);
      server = await spawnLab(t, dataDir, join(dataDir, 'logs'));
      const saved = JSON.parse(await readFile(join(dataDir, 'accounts.json'), 'utf8')).accounts.map((account: { login: string }) => account.login);
      assert.deepEqual(confirmed.filter((login) => !saved.includes(login)), [], 'every confirmed login is in accounts.json');
      await assertLogsIn(server, now);
    }
    server.process.kill('SIGKILL');
  });
});
