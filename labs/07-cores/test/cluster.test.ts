import assert from 'node:assert/strict';
import nodeCluster from 'node:cluster';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { LOBBY, type Entry } from '../shared/protocol.ts';
import { parseLine, parseLog } from '../server/core/log-format.ts';
import { startCluster } from '../server/cluster/primary.ts';
import { printed, spawnLab, stopLab, type LabProcess } from './lab-process.ts';
import { LOGIN_PROMPT, PASSWORD_PROMPT } from '../shared/text-protocol.ts';
import { LineClient } from './tcp-client.ts';
import { TestClient } from './ws-client.ts';

/** Plenty for a burst: the rate limit is not what these tests are about. */
const FAST = { RATE_LIMIT: '1000000' };

/** A request on a connection of its own (so the next one may go to the other worker); its status, body and `X-Worker`. */
function call(url: string, method: string, path: string, body?: object, cookie?: string): Promise<{ status: number; body: string; worker: string; cookie?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) };
    const req = request(new URL(`/api${path}`, url), { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, worker: String(res.headers['x-worker']), cookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const form = (login: string) => ({ firstName: 'Test', lastName: login, login, password: `password of ${login}`, age: 30, gender: 'other' });

async function signUp(url: string, login: string): Promise<string> {
  assert.equal((await call(url, 'POST', '/register', form(login))).status, 201, `register ${login}`);
  const loggedIn = await call(url, 'POST', '/login', { login, password: `password of ${login}` });
  assert.equal(loggedIn.status, 200, `log in ${login}`);
  return loggedIn.cookie!;
}

/** Opens WebSockets for `logins`, one after the other: the workers take new connections in turn, so both get some. */
async function connectAll(url: string, logins: string[]): Promise<TestClient[]> {
  const cookies = await Promise.all(logins.map((login) => signUp(url, login)));
  const clients: TestClient[] = [];
  for (const cookie of cookies) clients.push(await TestClient.connect(`${url}/`, cookie));
  return clients;
}

const logIn = async (url: string, login: string) => (await call(url, 'POST', '/login', { login, password: `password of ${login}` })).cookie!;

const workerOf = (client: TestClient) => client.worker.split(' ')[0]!;
const pidOf = (client: TestClient) => Number(/pid (\d+)/.exec(client.worker)![1]);

/** The lobby's entries a client received, live or replayed, in the order it got them. */
function lobbyEntries(client: TestClient): Entry[] {
  return client.frames.flatMap((frame) => (frame.type === 'entry' ? [frame.entry] : frame.type === 'joined' ? frame.entries : [])).filter((entry) => entry.room === LOBBY);
}

async function logOf(logDir: string): Promise<string> {
  const [file] = await readdir(logDir);
  return readFile(join(logDir, file!), 'utf8');
}

async function lab(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<{ server: LabProcess; logDir: string; dataDir: string }> {
  const dir = await tempDir(t);
  const logDir = join(dir, 'logs');
  const dataDir = join(dir, 'data');
  return { server: await spawnLab(t, dataDir, logDir, { ...FAST, ...env }), logDir, dataDir };
}

describe('07 cores: one chat on two worker processes', () => {
  it('starts from any process, a test\'s too: startCluster forks workers that run TypeScript, and close() stops them and writes the log', async (t) => {
    const dir = await tempDir(t);
    const config = { port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0, stunPort: null, workers: 2 };
    const listeners = nodeCluster.listenerCount('exit');
    const cluster = await startCluster(config);
    t.after(() => cluster.close());
    const pids = cluster.pids();
    assert.equal(pids.size, 2);
    const url = `http://127.0.0.1:${cluster.port}`;
    const answers = [await call(url, 'GET', '/me'), await call(url, 'GET', '/me')];
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
    assert.deepEqual(new Set(answers.map((answer) => answer.worker)).size, 2, 'two requests, two workers');
    for (const { worker } of answers) assert.equal(Number(/pid (\d+)/.exec(worker)![1]), pids.get(Number(worker.split(' ')[0])));
    await cluster.close();
    for (const pid of pids.values()) assert.throws(() => process.kill(pid, 0), 'the worker has exited');
    assert.equal(nodeCluster.listenerCount('exit'), listeners, 'a closed cluster leaves no listener behind');
    assert.match(await logOf(config.logDir), /\* server started\n[^]*\* server stopped\n$/);
  });

  it('hands startCluster\'s options to every worker and to the primary, and refuses Infinity, which JSON cannot carry', async (t) => {
    const dir = await tempDir(t);
    const config = { port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0, stunPort: null, workers: 2 };
    await assert.rejects(startCluster(config, { options: { maxConnectionsPerAddress: Infinity } }), /maxConnectionsPerAddress is Infinity/);
    const logInLimits = { perLogin: 1, perAddress: 100, windowMs: 60_000, maxKeys: 100 };
    const cluster = await startCluster(config, { options: { maxConnectionsPerAddress: 1, logInLimits } });
    t.after(() => cluster.close());
    const url = `http://127.0.0.1:${cluster.port}`;
    await signUp(url, 'ana'); // the primary's log-in limit: one log-in per login
    assert.equal((await call(url, 'POST', '/login', { login: 'ana', password: 'password of ana' })).status, 429);
    // Four connections at once from 127.0.0.1, kept open: each worker admits one, and closes the others as they open.
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    t.after(() => agent.destroy());
    const get = () => new Promise<string>((resolve) => {
      request(new URL('/api/me', url), { agent }, (res) => res.resume().on('end', () => resolve('answered'))).on('error', () => resolve('closed')).end();
    });
    const outcomes = (await Promise.all([get(), get(), get(), get()])).sort();
    assert.ok(outcomes.filter((outcome) => outcome === 'answered').length <= 2, `at most one connection per worker: ${outcomes}`);
    assert.ok(outcomes.includes('closed'), `some were closed: ${outcomes}`);
  });

  it('replaces a dead worker on port 0 too: the replacement shares the others\' random port', async (t) => {
    const dir = await tempDir(t);
    const config = { port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0, stunPort: null, workers: 2 };
    let replaced!: (id: number) => void;
    const replacement = new Promise<number>((resolve) => (replaced = resolve));
    const cluster = await startCluster(config, { onReplaced: (id) => replaced(id) });
    t.after(() => cluster.close());
    const [[, first], [secondId, second]] = [...cluster.pids()] as [[number, number], [number, number]];
    process.kill(second, 'SIGKILL');
    const id = await replacement;
    assert.notEqual(id, secondId);
    assert.ok(!cluster.pids().has(secondId), 'the dead worker is gone');
    const url = `http://127.0.0.1:${cluster.port}`;
    const workers = new Set<string>();
    for (let i = 0; i < 4; i++) workers.add((await call(url, 'GET', '/me')).worker);
    assert.ok([...workers].some((worker) => worker.startsWith(`${id} `)), `the replacement answers on the same port: ${[...workers]}`);
    assert.ok([...workers].some((worker) => worker.includes(`pid ${first}`)), 'and so does the worker that lived');
  });

  it('answers a connection\'s frames in the order it sent them, though some answers come from the worker and others from the primary', async (t) => {
    const { server } = await lab(t);
    const [ana] = await connectAll(server.url, ['ana']);
    await ana!.next('joined');
    for (let i = 0; i < 50; i++) {
      ana!.send({ type: 'send', text: `message ${i}` });
      ana!.send('not json');
      ana!.send({ type: 'time', id: i });
    }
    await ana!.next('time', (frame) => frame.id === 49);
    const answers = ana!.frames
      .filter((frame) => frame.type === 'error' || frame.type === 'time' || (frame.type === 'entry' && frame.entry.from === 'ana'))
      .map((frame) => (frame.type === 'entry' ? `entry ${frame.entry.text}` : frame.type === 'time' ? `time ${frame.id}` : frame.type === 'error' ? `error ${frame.code}` : frame.type));
    const expected = Array.from({ length: 50 }, (_, i) => [`entry message ${i}`, 'error not-json', `time ${i}`]).flat();
    assert.deepEqual(answers, expected);
  });

  it('gives every client on every worker the same order, the log\'s: 5 people send 200 messages each at once', async (t) => {
    const { server, logDir } = await lab(t);
    const logins = ['ana', 'bob', 'cat', 'dan', 'eve'];
    const clients = await connectAll(server.url, logins);
    assert.deepEqual(new Set(clients.map(workerOf)).size, 2, 'the clients are spread over both workers');
    await Promise.all(clients.map((client) => client.next('joined')));
    const everyoneIn = (client: TestClient) => client.next('rooms', (frame) => frame.rooms[0]!.members === logins.length);
    await Promise.all(clients.map(everyoneIn));
    for (let i = 0; i < 200; i++) for (const [n, client] of clients.entries()) client.send({ type: 'send', text: `${logins[n]} ${i}` });
    await Promise.all(clients.map((client) => client.messages(200 * logins.length)));

    const seen = clients.map((client) => lobbyEntries(client).filter((entry) => entry.kind === 'message'));
    const first = seen[0]!.map(({ seq, from, text }) => `${seq} ${from} ${text}`);
    for (const [n, entries] of seen.entries()) {
      assert.deepEqual(entries.map(({ seq, from, text }) => `${seq} ${from} ${text}`), first, `${logins[n]} (worker ${workerOf(clients[n]!)}) saw the same order`);
    }
    for (const [i, entry] of seen[0]!.entries()) if (i > 0) assert.ok(entry.seq > seen[0]![i - 1]!.seq, 'numbered in order');

    await Promise.all(clients.map((client) => client.close()));
    await stopLab(server);
    const log = await logOf(logDir);
    const torn = log.split('\n').filter((line) => line !== '' && parseLine(line) === undefined);
    assert.deepEqual(torn, [], 'every line of the log is whole: one writer');
    const logged = parseLog(log).filter((line) => line.room === LOBBY && line.from !== null);
    assert.deepEqual(logged.map(({ from, text }) => `${from} ${text}`), seen[0]!.map(({ from, text }) => `${from} ${text}`), 'the log has each message once, in the same order');
  });

  it('lets terminals in too: the password is checked by the primary, and a second terminal replaces the first wherever it is, and terminals and browsers chat in one order', async (t) => {
    const { server } = await lab(t);
    const tcpPort = Number(/Terminal\s+nc \S+ (\d+)/.exec(server.output)![1]);
    const [browser] = await connectAll(server.url, ['ana']);
    await signUp(server.url, 'bob');
    const terminals: LineClient[] = [];
    for (let i = 0; i < 2; i++) {
      const terminal = await LineClient.logIn(tcpPort, 'bob', 'password of bob');
      t.after(() => terminal.socket.destroy());
      terminals.push(terminal);
    }
    const [first, bob] = terminals;
    await first!.closed; // the second replaced the first, like a second tab
    assert.match(first!.lines.at(-1)!, /replaced/);
    await browser!.next('entry', ({ entry }) => entry.text === 'bob joined');
    bob!.send('hello from a terminal');
    browser!.send({ type: 'send', text: 'hello from a browser' });
    const hello = / <(ana|bob)> hello/;
    for (let i = 0; i < 2; i++) await bob!.next(hello); // both, in whichever order they came
    const entries = await browser!.messages(2);
    const terminalOrder = bob!.lines.filter((line) => hello.test(line)).map((line) => /<(\w+)>/.exec(line)![1]);
    assert.deepEqual(terminalOrder, entries.map((entry) => entry.from), 'the same order on both transports and both workers');
    const wrong = await LineClient.connect(tcpPort);
    t.after(() => wrong.socket.destroy());
    await wrong.prompt(LOGIN_PROMPT);
    wrong.send('bob');
    await wrong.prompt(PASSWORD_PROMPT);
    wrong.send('not his password');
    assert.match(await wrong.next(/^!!!/), /Wrong login or password/);
  });

  it('counts the people of every worker at the gate (GATE=3): the third one, on either worker, opens it for all', async (t) => {
    const { server } = await lab(t, { GATE: '3' });
    const clients = await connectAll(server.url, ['ana', 'bob', 'cat']);
    assert.equal(new Set(clients.map(workerOf)).size, 2, 'the clients are spread over both workers');
    for (const client of clients) {
      const gate = await client.next('gate', (frame) => frame.gate.open);
      assert.deepEqual(gate.gate, { needed: 3, connected: 3, open: true });
    }
    const welcomes = clients.map((client) => client.frames.find((frame) => frame.type === 'welcome'));
    assert.deepEqual(welcomes.map((welcome) => welcome?.type === 'welcome' && welcome.gate?.connected).sort(), [1, 2, 3], 'each arrival counted once, across workers');
  });

  it('replaces a worker killed mid-burst: its clients resume with no gap and no duplicate, the others never notice', async (t) => {
    const { server } = await lab(t);
    const clients = await connectAll(server.url, ['ana', 'bob', 'cat', 'dan']);
    const bob = clients[1]!;
    const victimPid = pidOf(bob);
    const others = clients.filter((client) => pidOf(client) !== victimPid);
    assert.ok(others.length > 0, 'some clients are on the other worker');
    const sender = others[0]!;
    await Promise.all(clients.map((client) => client.next('joined')));
    const senderLogin = sender.frames.flatMap((frame) => (frame.type === 'welcome' ? [frame.you] : []))[0];
    await bob.next('rooms', (frame) => frame.rooms[0]!.members === clients.length);

    const COUNT = 300;
    const send = (from: number, to: number) => {
      for (let i = from; i < to; i++) sender.send({ type: 'send', text: `m${i}` });
    };
    send(0, COUNT / 2);
    await bob.messages(50);
    const closed = once(bob.socket, 'close');
    process.kill(victimPid, 'SIGKILL');
    await closed;
    await printed(server, /^Worker \d+ died \(SIGKILL\)/m); // until the primary knows, it may still hand it a new connection
    send(COUNT / 2, COUNT); // while bob is away: the first half may all have reached him before the kill, this half cannot

    const before = lobbyEntries(bob);
    const back = await TestClient.connect(`${server.url}/`, await logIn(server.url, 'bob'), `room=${LOBBY}&after=${before.at(-1)!.seq}`);
    assert.notEqual(pidOf(back), victimPid, 'bob is back, on a live worker');
    await back.next('joined');
    const done = (client: TestClient) => lobbyEntries(client).some((entry) => entry.text === `m${COUNT - 1}`);
    while (!done(back)) await back.next('entry');

    const bobSaw = [...before, ...lobbyEntries(back)];
    const seqs = bobSaw.map((entry) => entry.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i), 'bob saw every entry once, in order, across the crash');
    const fromSender = bobSaw.filter((entry) => entry.from === senderLogin).map((entry) => entry.text);
    assert.deepEqual(fromSender, Array.from({ length: COUNT }, (_, i) => `m${i}`));

    for (const client of others) {
      while (!done(client)) await client.next('entry');
      const seen = lobbyEntries(client).map((entry) => entry.seq);
      assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => seen[0]! + i), 'no gap, no duplicate');
      assert.equal(client.socket.readyState, client.socket.OPEN, 'still connected');
    }
    const notices = () => lobbyEntries(sender).filter((entry) => entry.kind === 'notice').map((entry) => entry.text);
    const leftAndCameBack = () => notices().includes('bob left') && notices().lastIndexOf('bob joined') > notices().indexOf('bob left');
    while (!leftAndCameBack()) await sender.next('entry'); // the others saw bob leave with his worker, then come back
  });

  it('keeps the accounts registered through both workers, and registers a login only once when both are asked at once', async (t) => {
    const { server, dataDir, logDir } = await lab(t);
    const workers = new Set<string>();
    const logins = Array.from({ length: 10 }, (_, i) => `user${i}`);
    for (const login of logins) {
      const answer = await call(server.url, 'POST', '/register', form(login));
      assert.equal(answer.status, 201, login);
      workers.add(answer.worker.split(' ')[0]!);
    }
    assert.equal(workers.size, 2, 'both workers registered some');
    for (let round = 0; ; round++) {
      const login = `same${round}`;
      const twice = await Promise.all([call(server.url, 'POST', '/register', form(login)), call(server.url, 'POST', '/register', form(login))]);
      assert.deepEqual(twice.map((answer) => answer.status).sort(), [201, 409], 'one account store: the second is refused');
      logins.push(login);
      if (twice[0]!.worker !== twice[1]!.worker) break; // asked of both workers at once
      assert.ok(round < 5, 'the two requests went to both workers at least once');
    }
    await stopLab(server);

    const saved = JSON.parse(await readFile(join(dataDir, 'accounts.json'), 'utf8')) as { accounts: { login: string }[] };
    assert.deepEqual(saved.accounts.map((account) => account.login).sort(), [...logins].sort());
    const again = await spawnLab(t, dataDir, logDir, FAST);
    for (const login of logins) {
      assert.equal((await call(again.url, 'POST', '/login', { login, password: `password of ${login}` })).status, 200, `${login} logs in after the restart`);
    }
  });

  it('logs out everywhere: the session\'s WebSocket closes with 4001, whichever worker the logout goes through', async (t) => {
    const { server } = await lab(t);
    await signUp(server.url, 'ana');
    for (let round = 0; ; round++) {
      const cookie = await logIn(server.url, 'ana');
      const socket = await TestClient.connect(`${server.url}/`, cookie);
      await socket.next('joined');
      const closed = once(socket.socket, 'close');
      const answer = await call(server.url, 'POST', '/logout', undefined, cookie);
      assert.equal(answer.status, 204);
      const [code] = await closed;
      assert.equal(code, 4001);
      if (workerOf(socket) !== answer.worker.split(' ')[0]) break; // the logout went through the other worker
      assert.ok(round < 5, 'a logout went through the worker that does not hold the socket');
    }
  });
});
