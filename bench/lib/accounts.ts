/**
 * Accounts for the crowd of labs 04 and 05. Registering through the API costs one scrypt hash
 * at the lab's real cost (N=16384, ~60 ms on 2 cores) and logging in costs another: 5000 people would take
 * minutes of hashing before the first message. So the benchmark writes its accounts straight
 * into a *temporary* `accounts.json`, in the lab's own format, with hashes at a tiny scrypt cost
 * (N=16). The lab reads the cost from each stored hash, so these accounts log in through the
 * real `POST /api/login` (real session, real cookie) in well under a millisecond. Nothing in
 * the lab changes: accounts registered through the API still get the full cost.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PASSWORD = 'bench password';

/** The login of the benchmark's `i`-th person. */
export const loginOf = (i: number) => `bench${i}`;

/** Writes `count` accounts (`bench0`, `bench1`…) into `<dataDir>/accounts.json`. */
export async function seedAccounts(dataDir: string, count: number): Promise<void> {
  const cost = { N: 16, r: 1, p: 1 };
  const salt = randomBytes(16);
  const hash = scryptSync(PASSWORD.normalize('NFKC'), salt, 64, cost); // the lab normalises too
  const passwordHash = `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
  const createdAt = new Date().toISOString();
  const accounts = Array.from({ length: count }, (_, i) => ({
    login: loginOf(i),
    firstName: 'Bench',
    lastName: `Person ${i}`,
    age: 30,
    gender: 'other',
    createdAt,
    passwordHash,
  }));
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'accounts.json'), `${JSON.stringify({ version: 1, accounts })}\n`);
}

/**
 * Logs in `bench0` … `bench<count-1>` through the real API, `concurrency` at a time, and returns
 * their session cookies (`chat_session=…`). At most 8 at once: the lab counts a log-in as failed
 * until its password is checked, and 20 failures from one address lock that address out.
 */
export async function logInAll(url: string, count: number, concurrency = 8): Promise<string[]> {
  const cookies: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(new URL('/api/login', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: loginOf(i), password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`log in ${loginOf(i)}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
      cookies[i] = res.headers.get('set-cookie')!.split(';')[0]!;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return cookies;
}
