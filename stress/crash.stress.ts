/**
 * Crashes, in every realtime lab: the real server, started as `npm run lab:NN` starts it (a child
 * process), is SIGKILLed at a random moment of a burst of chat messages (and, in labs 04 and 05,
 * of registrations), again and again. After each restart every log file parses line by line (no
 * torn line), and the messages of the killed run that reached its log are those delivered, in
 * order (the kill may fall between a message's log line and its delivery). In labs 04 and 05,
 * every account whose registration was confirmed (a 201) is there, unchanged, and logs in; a
 * password never shows up in the server's output, its logs or its accounts file. Whatever the
 * killed server had started (lab 07's workers) exits with it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { REALTIME_LABS, Rng, SCALE, SEED, Stream, bound, figure, inParallel, isRoomsLab, mib, post, readLogs, sendFrame, within, type RealtimeLab } from './support.ts';

const LISTENING = /Open\s+(http:\/\/127\.0\.0\.1:\d+)\//;

/** Registrations in flight at once during a burst. */
const CONCURRENCY = 8;
/**
 * The most registrations one burst tries: 58, and the first run also registers the two chatters.
 * That keeps within lab 05's registration limit (60 at once from one address: each server process
 * starts with a full bucket); lab 04 has no such limit.
 */
function registrationsPerRun(lab: RealtimeLab): number {
  if (!isRoomsLab(lab)) return 0; // lab 03 has no accounts
  return Math.min(58, (lab.registrationBurst ?? Infinity) - 2);
}
/**
 * The bound on the server's peak resident memory (VmHWM): Node with tsx and the lab's modules is
 * about 150 MiB, and each registration in flight hashes with scrypt at 16 MiB (Node runs 4 at a
 * time); 384 MiB leaves room for the sockets and buffers of a burst.
 */
const MEMORY_BOUND = 384 * 1024 * 1024;

const passwordOf = (login: string) => `password of ${login}`;

/** The body of every chat message: 1900 characters, 1500 of which the log writes as 4 (`\x01`). */
const LONG = `${'log me '.repeat(57)}${'\u0001'.repeat(1500)}`;

interface Server {
  child: ChildProcess;
  url: string;
  /** Everything it printed, to look for passwords in. */
  output: string[];
  /**
   * Resolves once its output is closed: once it and every process that inherited its stdout and
   * stderr (lab 07's workers) have exited.
   */
  closed: Promise<unknown>;
}

/** Starts the lab as `npm run lab:NN` does, on a free port, with its data and logs in `dir`. */
async function startServer(t: TestContext, lab: RealtimeLab, dir: string): Promise<Server> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), LOG_DIR: join(dir, 'logs'), GATE: '', RATE_LIMIT: '' };
  const child = spawn(process.execPath, ['--import', 'tsx', join(lab.dir, 'server/main.ts')], { cwd: lab.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = once(child, 'close');
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`the server exited (${signal ?? code}) before it listened: ${output.join('\n')}`);
  });
  const listening = (async () => {
    for await (const line of createInterface({ input: child.stdout! })) {
      output.push(line);
      const match = LISTENING.exec(line);
      if (match) return match[1]!;
    }
    throw new Error('the server never said where it listens');
  })();
  const url = await within(60_000, 'the server to listen', Promise.race([listening, exited]));
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  return { child, url, output, closed };
}

/** The processes `pid` started (lab 07's workers), from /proc (Linux); none elsewhere. */
async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')));
  return lists.join(' ').split(' ').filter(Boolean).map(Number);
}

/** The server's resident memory now and at its peak, from /proc (Linux); undefined elsewhere. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number } | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status ?? '')?.[1]) * 1024;
  return status ? { rss: kib('VmRSS'), peak: kib('VmHWM') } : undefined;
}

async function register(url: string, login: string): Promise<number> {
  const form = { firstName: 'Crash', lastName: `Test ${login}`, login, password: passwordOf(login), age: 30, gender: 'other' };
  const res = await post(`${url}/`, '/api/register', form);
  await res.body?.cancel();
  return res.status;
}

async function logIn(url: string, login: string): Promise<string | undefined> {
  const res = await post(`${url}/`, '/api/login', { login, password: passwordOf(login) });
  await res.body?.cancel();
  return res.status === 200 ? res.headers.get('set-cookie')!.split(';')[0]! : undefined;
}

/** The stored accounts, login → password hash, as the file on disk has them. */
async function storedAccounts(dir: string): Promise<Map<string, string>> {
  const { accounts } = JSON.parse(await readFile(join(dir, 'data', 'accounts.json'), 'utf8'));
  return new Map(accounts.map((account: { login: string; passwordHash: string }) => [account.login, account.passwordHash]));
}

/** The two people who chat through every run: a user and an agent in lab 03, two accounts in labs 04 and 05. */
async function openChatters(lab: RealtimeLab, url: string): Promise<{ from: Stream; to: Stream; sender: string }> {
  if (!isRoomsLab(lab)) return { from: await Stream.open(url, 'role=user'), to: await Stream.open(url, 'role=agent'), sender: 'user' };
  const [annCookie, benCookie] = [await logIn(url, 'chatter-ann'), await logIn(url, 'chatter-ben')];
  return { from: await Stream.open(url, '', { cookie: annCookie! }), to: await Stream.open(url, '', { cookie: benCookie! }), sender: 'chatter-ann' };
}

/**
 * One burst: registrations `CONCURRENCY` at a time (labs 04 and 05), and chat messages from one
 * chatter to the other at the lab's rate limit. The server is SIGKILLed once
 * `killAfter.registrations` registrations are confirmed and `killAfter.messages` more messages
 * delivered after that: a moment when other registrations are being hashed or written and
 * messages are being logged.
 */
async function burst(lab: RealtimeLab, server: Server, round: number, killAfter: { registrations: number; messages: number }) {
  const confirmed: string[] = [];
  const delivered: string[] = [];
  const { from, to, sender } = await openChatters(lab, `${server.url}/`);
  const exited = once(server.child, 'exit');
  let killed = false;
  let memory: { rss: number; peak: number } | undefined;
  let children: number[] = [];
  let messagesAtTrigger: number | undefined;
  const kill = async () => {
    if (killed) return;
    killed = true;
    memory = await memoryOf(server.child.pid!); // read just before: the process is still there
    children = await childrenOf(server.child.pid!);
    server.child.kill('SIGKILL');
  };
  const maybeKill = () => {
    if (confirmed.length >= killAfter.registrations) messagesAtTrigger ??= delivered.length;
    if (messagesAtTrigger !== undefined && delivered.length >= messagesAtTrigger + killAfter.messages) void kill();
  };
  // The sender talks as fast as the lab's rate limit allows (20 frames a second), in long lines
  // (about 6 KB in the log, every \u0001 written as \x01), so that log writes cross the file's
  // 4 KiB pages, where the kernel may cut a write short when the process is killed.
  let sent = 0;
  const talking = setInterval(() => !killed && from.send(sendFrame(`r${round} m${sent++} ${LONG}`)), 1000 / (lab.rate.perSecond - 1));
  to.listen((frame) => {
    if (frame.type === 'entry' && frame.entry.from === sender && String(frame.entry.text).startsWith(`r${round} `)) {
      delivered.push(frame.entry.text.split(' ', 2).join(' '));
      maybeKill();
    }
  });
  maybeKill(); // with no registrations to wait for, the count of messages starts now
  const logins = Array.from({ length: registrationsPerRun(lab) }, (_, i) => `c${round}u${i}`);
  await inParallel(logins, CONCURRENCY, async (login) => {
    if (killed) return;
    const status = await register(server.url, login).catch(() => 'cut off');
    if (status === 201) {
      confirmed.push(login);
      maybeKill();
    } else assert.ok(killed, `only the kill may cut a registration short: ${login} got ${status}`);
  });
  // Lab 03 has nothing to register: the messages alone decide when the kill comes.
  if (logins.length === 0) await within(60_000, 'the kill', exited.then(() => undefined, () => undefined));
  await kill(); // the burst ran out before the trigger
  clearInterval(talking);
  const [, signal] = await within(30_000, 'the server to die', exited);
  assert.equal(signal, 'SIGKILL');
  // Lab 07's workers see their primary's IPC channel close and exit: none may keep the ports or the data.
  await within(30_000, `round ${round}: the ${children.length} processes the server started to exit with it`, server.closed);
  return { confirmed, delivered, memory: memory!, children: children.length };
}

for (const lab of REALTIME_LABS) {
  const what = lab.accounts ? 'registrations and messages' : 'messages';
  const promise = lab.accounts ? 'every confirmed account survives and logs in, ' : '';
  describe(`${lab.suite}: crashes`, () => {
    it(`SIGKILLed ${SCALE.crashes} times at random moments of a burst of ${what}: ${promise}no log line is torn, the log holds the first messages delivered, in order`, async (t) => {
      if (isRoomsLab(lab)) await lab.buildClient((line) => t.diagnostic(line)); // so no child builds it, and none is killed while building
      const dir = await tempDir(t, `stress-crash-${lab.name}`);
      const rng = new Rng(SEED);
      const confirmed: string[] = [];
      let hashes = new Map<string, string>();
      let unconfirmedAfterKill = 0;
      let [peak, logsChecked, linesChecked, logged, lost, children] = [0, 0, 0, 0, 0, 0];
      let server = await startServer(t, lab, dir);
      if (lab.accounts) for (const login of ['chatter-ann', 'chatter-ben']) assert.equal(await register(server.url, login), 201);
      const loop = bound(SCALE.crashes, 30 * 60_000);
      const started = performance.now();
      while (loop.more()) {
        const round = loop.turn();
        const killAfter = { registrations: lab.accounts ? rng.int(0, 2 * CONCURRENCY) : 0, messages: rng.int(0, lab.rate.perSecond) };
        const run = await burst(lab, server, round, killAfter);
        confirmed.push(...run.confirmed);
        peak = Math.max(peak, run.memory?.peak ?? 0);
        assert.ok((run.memory?.peak ?? 0) <= MEMORY_BOUND, `peak ${mib(run.memory?.peak ?? 0)} over ${mib(MEMORY_BOUND)}`);

        server = await startServer(t, lab, dir);
        if (lab.accounts) {
          // Every confirmed account is on disk, and no earlier one changed.
          const stored = await storedAccounts(dir);
          assert.deepEqual(confirmed.filter((login) => !stored.has(login)), [], `round ${round}: every confirmed login is in accounts.json`);
          for (const [login, hash] of hashes) assert.equal(stored.get(login), hash, `round ${round}: ${login} is unchanged`);
          hashes = new Map(confirmed.map((login) => [login, stored.get(login)!]));
          unconfirmedAfterKill = stored.size - confirmed.length - 2; // saved, but killed before it could answer 201
          // The new ones log in.
          const refused: string[] = [];
          await inParallel(run.confirmed, 4, async (login) => {
            if (!(await logIn(server.url, login))) refused.push(login);
          });
          assert.deepEqual(refused, [], `round ${round}: every account confirmed before the kill logs in`);
        }
        // Every log parses, line by line; the killed run's log holds the first messages delivered, in order.
        const logs = await readLogs(join(dir, 'logs'), lab.parseLine);
        logsChecked = logs.size;
        linesChecked = [...logs.values()].reduce((sum, lines) => sum + lines.length, 0);
        const sender = lab.accounts ? 'chatter-ann' : 'user';
        const mine = [...logs.values()].flat().filter((line) => line.from === sender && line.text.startsWith(`r${round} `)).map((line) => line.text.split(' ', 2).join(' '));
        // The kill may come between a message's log line and its delivery, either way round (in lab 07 the
        // primary logs it while a worker delivers it): the two agree as far as both go.
        const both = Math.min(mine.length, run.delivered.length);
        assert.deepEqual(mine.slice(0, both), run.delivered.slice(0, both), `round ${round}: the log holds the messages delivered, in order`);
        logged += mine.length;
        lost += Math.max(0, run.delivered.length - mine.length);
        children += run.children;
        t.diagnostic(`round ${round}: killed after ${run.confirmed.length} registrations and ${run.delivered.length} messages; ${mine.length} of those in the log; peak ${mib(run.memory?.peak ?? 0)}`);
      }
      if (lab.accounts) await checkAccountsAtTheEnd(server, confirmed);
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');

      await figure(t, `${lab.name} crashes survived`, `${loop.turns} SIGKILLs in ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${SEED}); ${children} child processes of the killed servers, all gone with them`);
      if (lab.accounts) {
        // No password anywhere the server writes.
        const files = await Promise.all([join(dir, 'data', 'accounts.json'), ...(await readdir(join(dir, 'logs'))).map((file) => join(dir, 'logs', file))].map((file) => readFile(file, 'utf8')));
        assert.ok(!files.some((text) => text.includes('password of ')), 'no password in the logs or accounts.json');
        assert.ok(!server.output.some((line) => line.includes('password of ')), 'nor in what the server printed');
        await figure(t, `${lab.name} accounts checked`, `${confirmed.length} confirmed, all kept and logging in (${unconfirmedAfterKill} more were saved but cut off before their 201)`);
      }
      await figure(t, `${lab.name} logs after crashes`, `${logsChecked} log files, ${linesChecked} lines, all parse; ${logged} chat messages logged, ${lost} delivered but not yet logged when killed`);
      await figure(t, `${lab.name} crash server memory`, `peak ${mib(peak)} RSS (VmHWM); bound ${mib(MEMORY_BOUND)}`);
    });
  });
}

/**
 * Logs `login` in from the loopback address `from` and says whether it worked: the lab allows 60
 * log-in tries per address in 15 minutes, so a check of hundreds of accounts comes from several.
 */
function logInFrom(url: string, login: string, from: string): Promise<boolean> {
  const body = JSON.stringify({ login, password: passwordOf(login) });
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const request = httpRequest(new URL('/api/login', url), { method: 'POST', localAddress: from, headers }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** After the last restart: every confirmed account logs in once more, and `#show users` lists them all. */
async function checkAccountsAtTheEnd(server: Server, confirmed: string[]) {
  const refused: string[] = [];
  await inParallel(confirmed, 4, async (login) => {
    if (!(await logInFrom(server.url, login, `127.0.0.${10 + Math.floor(confirmed.indexOf(login) / 50)}`))) refused.push(login);
  });
  assert.deepEqual(refused, [], 'every confirmed account logs in at the end');
  const ann = await Stream.open(`${server.url}/`, '', { cookie: (await logIn(server.url, 'chatter-ann'))! });
  const listed = new Set<string>();
  // A page of 50 at a time; past 5 pages at once, one a second (`rate-limited` says when to ask again).
  for (let page = 0, pages = 1; page < pages; ) {
    ann.send({ type: 'command', command: { name: 'users', page } });
    const answer = await ann.waitFor(`the user list, page ${page + 1}`, (f) => (f.type === 'users' && f.page === page) || (f.type === 'error' && f.code === 'rate-limited'));
    if (answer.type === 'error') {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    for (const user of answer.users as { login: string }[]) listed.add(user.login);
    pages = answer.pages as number;
    page++;
  }
  assert.deepEqual(confirmed.filter((login) => !listed.has(login)), [], '#show users lists them all');
  await ann.close();
}
