import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import type { Browser, Page } from 'playwright-core';
import { buildClientIfStale } from '../server/client-build.ts';
import { startServer } from '../server/server.ts';

/** What the exercise adds, as the checker uses it. */
interface Stamped {
  lamport: number;
  from: string;
}
interface LamportModule {
  LamportClock: new () => { readonly time: number; send(): number; receive(stamp: number): number };
  lamportOrder: (a: Stamped, b: Stamped) => number;
}
interface PrivateSeqModule {
  PrivateSequencer: new () => { next(text: string, time: number, lamport: number): unknown };
  parsePrivateMessage: (data: unknown) => unknown;
}

async function lamportModule(): Promise<LamportModule> {
  const url = new URL('../client/src/lib/lamport.ts', import.meta.url).href;
  const mod = (await import(url).catch((error: NodeJS.ErrnoException) =>
    assert.fail(error.code === 'ERR_MODULE_NOT_FOUND' ? 'Create client/src/lib/lamport.ts: it should export LamportClock and lamportOrder.' : `client/src/lib/lamport.ts does not load: ${error.message}`),
  )) as Partial<LamportModule>;
  assert.equal(typeof mod.LamportClock, 'function', 'Export class LamportClock from client/src/lib/lamport.ts.');
  assert.equal(typeof mod.lamportOrder, 'function', 'Export lamportOrder(a, b) from client/src/lib/lamport.ts.');
  return mod as LamportModule;
}

async function privateSeqModule(): Promise<PrivateSeqModule> {
  return (await import('../client/src/lib/private-seq.ts')) as unknown as PrivateSeqModule;
}

/** Lines as two windows saw them arrive, sorted with the student's comparator. */
const sorted = (lines: (Stamped & { text: string })[], order: LamportModule['lamportOrder']) => [...lines].sort(order).map((line) => line.text);

describe('04 rooms-p2p exercise 2: Lamport clocks for private messages', () => {
  it('sending ticks the clock; receiving jumps past the stamp received', async () => {
    const { LamportClock } = await lamportModule();
    const clock = new LamportClock();
    assert.equal(clock.time, 0, 'A new LamportClock starts at time 0.');
    assert.deepEqual([clock.send(), clock.send()], [1, 2], 'send() adds 1 and returns the new time: 1, then 2.');
    assert.equal(clock.receive(10), 11, 'receive(10) at time 2 should give max(2, 10) + 1 = 11.');
    assert.equal(clock.send(), 12, 'send() after receive(10) should give 12.');
    assert.equal(clock.receive(3), 13, 'receive(3) at time 12 should give max(12, 3) + 1 = 13: an old stamp never moves the clock back.');
    assert.equal(clock.time, 13, 'time should say the last value the clock gave.');
  });

  it('a private message carries its Lamport stamp over the data channel', async () => {
    const { PrivateSequencer, parsePrivateMessage } = await privateSeqModule();
    const message = new PrivateSequencer().next('hi', 1000, 7);
    assert.deepEqual(message, { seq: 1, time: 1000, lamport: 7, text: 'hi' }, 'PrivateSequencer.next(text, time, lamport) should return { seq, time, lamport, text }.');
    assert.deepEqual(
      parsePrivateMessage('{"seq":1,"time":5,"lamport":3,"text":"hi"}'),
      { seq: 1, time: 5, lamport: 3, text: 'hi' },
      'parsePrivateMessage() should keep the lamport field.',
    );
    for (const bad of ['{"seq":1,"time":5,"text":"hi"}', '{"seq":1,"time":5,"lamport":0,"text":"hi"}', '{"seq":1,"time":5,"lamport":1.5,"text":"hi"}', '{"seq":1,"time":5,"lamport":"3","text":"hi"}']) {
      assert.equal(parsePrivateMessage(bad), undefined, `parsePrivateMessage() should refuse ${bad}: lamport must be a whole number from 1.`);
    }
  });

  it('a reply comes after the message it answers, even from a clock 5 minutes slow', async () => {
    const { LamportClock, lamportOrder } = await lamportModule();
    const [ada, bob] = [new LamportClock(), new LamportClock()];
    const T = 1_800_000_000_000;
    const question = { from: 'ada', text: 'lunch?', time: T, lamport: ada.send() };
    bob.receive(question.lamport);
    const answer = { from: 'bob', text: 'yes!', time: T + 2000 - 5 * 60_000, lamport: bob.send() };
    assert.ok(answer.lamport > question.lamport, `Bob's answer is stamped ${answer.lamport}, Ada's question ${question.lamport}: after receive(), send() must stamp higher.`);
    assert.deepEqual(sorted([answer, question], lamportOrder), ['lunch?', 'yes!'], 'lamportOrder should put the question first (it ignores the wall-clock time).');
  });

  it('two windows that wrote at the same moment show one order, ties broken by login', async () => {
    const { LamportClock, lamportOrder } = await lamportModule();
    const [ada, bob] = [new LamportClock(), new LamportClock()];
    const fromAda = { from: 'Ada', text: 'A', lamport: ada.send() };
    const fromBob = { from: 'bob', text: 'B', lamport: bob.send() };
    ada.receive(fromBob.lamport);
    bob.receive(fromAda.lamport);
    const reply = { from: 'Ada', text: 'C', lamport: ada.send() };
    bob.receive(reply.lamport);
    const inAdasWindow = sorted([fromAda, fromBob, reply], lamportOrder);
    const inBobsWindow = sorted([fromBob, fromAda, reply], lamportOrder);
    assert.deepEqual(inAdasWindow, inBobsWindow, 'Both windows must show the same order, whatever order the lines arrived in.');
    assert.deepEqual(inAdasWindow, ['A', 'B', 'C'], 'A and B both have stamp 1: the tie goes to the smaller login in lower case ("ada" < "bob"); C comes last.');
  });

  it('in two Chromium windows, each private line shows its stamp: [1] one, [3] two, [5] three', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    await buildClientIfStale(() => undefined);
    const origin = await start(t);
    const ada = await person(browser, origin, 'ada');
    const bob = await person(browser, origin, 'bob');

    const box = ada.getByLabel('Message', { exact: true });
    await box.fill('#\\private bob one');
    await box.press('Enter');
    await privateLines(bob, 'ada').filter({ hasText: 'one' }).waitFor();
    await sendPrivate(bob, 'ada', 'two');
    await privateLines(ada, 'bob').filter({ hasText: 'two' }).waitFor();
    await sendPrivate(ada, 'bob', 'three');
    await privateLines(bob, 'ada').filter({ hasText: 'three' }).waitFor();
    await privateLines(ada, 'bob').filter({ hasText: 'three' }).waitFor();

    for (const [page, peer, who] of [[ada, 'bob', "Ada's"], [bob, 'ada', "Bob's"]] as const) {
      const lines = await privateLines(page, peer).allTextContents();
      const stamps = lines.map((line) => /\[(\d+)\]/.exec(line)?.[1]);
      assert.ok(stamps.every(Boolean), `${who} window should show each private line's Lamport stamp in square brackets, like "14:03:20 [3] bob thanks!"; it shows: ${JSON.stringify(lines)}`);
      assert.deepEqual(
        lines.map((line) => `[${/\[(\d+)\]/.exec(line)![1]}] ${line.match(/(one|two|three)$/)?.[1]}`),
        ['[1] one', '[3] two', '[5] three'],
        `${who} window: one is Ada's first event (1); Bob receives it (2) and answers (3); Ada receives that (4) and sends three (5).`,
      );
    }
  });
});

/** A lab server on a free port with temporary folders. */
async function start(t: TestContext): Promise<string> {
  const dir = await tempDir(t, 'lab04-exercise-2');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0 });
  t.after(() => server.close());
  return `http://127.0.0.1:${server.port}`;
}

/** A registered, logged-in person in their own browser context, on the chat page. */
async function person(browser: Browser, origin: string, login: string): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  await context.grantPermissions(['camera', 'microphone'], { origin });
  const password = 'correct horse battery';
  const registered = await context.request.post(`${origin}/api/register`, { data: { firstName: login, lastName: 'Test', login, password, age: 20, gender: 'other' } });
  assert.equal(registered.status(), 201, `register ${login}`);
  assert.equal((await context.request.post(`${origin}/api/login`, { data: { login, password } })).status(), 200, `log in ${login}`);
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.getByRole('status').filter({ hasText: `Online as ${login}` }).waitFor();
  return page;
}

const privateLines = (page: Page, peer: string) => page.getByRole('list', { name: `Private messages with ${peer}` }).getByRole('listitem');

async function sendPrivate(page: Page, to: string, text: string): Promise<void> {
  const box = page.getByLabel(`Private message to ${to}`, { exact: true });
  await box.fill(text);
  await box.press('Enter');
}
