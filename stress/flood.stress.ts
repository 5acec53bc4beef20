/**
 * Floods and stalls: a burst of connections, clients that never read, a client sending at ten
 * times the rate limit. The server and the well-behaved clients it serves run in this process,
 * the offenders in a child process (`crowd.ts`), so that this process's memory is the server's
 * and the offenders' own work does not slow down the clients being timed.
 *
 * Each scenario first times a well-behaved pair alone (quiet), then under the attack, and
 * compares their p99 (`assertLatency`: at most 2 x quiet + 5 ms). Where a lab fails that, the
 * test that asserts it is skipped with the bug it found, and a passing test still checks the rest.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_BUFFERED_BYTES as MAX_BUFFERED_03, MAX_WINDOWS, RATE as RATE_03 } from '../labs/03-realtime/server/server.ts';
import { connectSilently as connectSilently03 } from '../labs/03-realtime/test/ws-client.ts';
import { MAX_BUFFERED_BYTES as MAX_BUFFERED_04, RATE } from '../labs/04-rooms-p2p/server/server.ts';
import { connectSilently as connectSilently04, signUp } from '../labs/04-rooms-p2p/test/ws-client.ts';
import type { BurstResult, CrowdRequest, FloodResult, Target } from './crowd.ts';
import {
  MiB,
  QUICK,
  REPO_ROOT,
  SCALE,
  Stream,
  assertLatency,
  bound,
  figure,
  inParallel,
  lab03,
  lab04,
  logIn,
  measureLatency,
  mib,
  ms,
  percentile,
  sampleMemory,
  watchEventLoop,
  say03,
  send04,
  within,
  type LatencyRun,
} from './support.ts';

const CROWD = fileURLToPath(new URL('./crowd.ts', import.meta.url));

/** Probes for the quiet figure, and at least as many under attack. */
const PROBES = QUICK ? 150 : 500;
/**
 * A probe every 20 ms where there is no rate limit (lab 04's limit, 20 frames a second, needs
 * 60 ms). Faster probes would be an attack of their own: in lab 03 each goes to every window.
 */
const PROBE_MS = 20;
const LIMITED_PROBE_MS = 60;
/** How long the flooder floods. */
const FLOOD_MS = QUICK ? 5_000 : 15_000;

/**
 * The memory bounds asserted, on this process's resident set (the server and its few
 * well-behaved clients; the offenders live in the crowd process):
 * - a connection costs at most 64 KiB (a `ws` socket, its buffers, its place in the hub;
 *   measured about 20 KiB), plus 32 MiB for the heap's own growth;
 * - a client that never read costs at most what the lab lets pile up for it before dropping
 *   it, MAX_BUFFERED_BYTES (16 MiB), plus 2 MiB for Node's bookkeeping of the ~17,000 frame
 *   pieces that holds. It is far less in practice: a broadcast frame is one string that every
 *   socket's queue shares.
 */
const PER_CONNECTION = 64 * 1024;
const HEAP_SLACK = 32 * MiB;
const perStalled = (maxBuffered: number) => maxBuffered + 2 * MiB;

// ---------------------------------------------------------------------------------------------
// Helpers

/** The offenders' process: each request gets one answer. */
class Crowd {
  private constructor(readonly child: ChildProcess) {}

  static async start(t: TestContext): Promise<Crowd> {
    const child = fork(CROWD, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    t.after(() => {
      if (child.connected) child.disconnect();
    });
    await within(30_000, 'the crowd process to start', once(child, 'spawn'));
    return new Crowd(child);
  }

  async request<T>(request: CrowdRequest, timeoutMs = 180_000): Promise<T> {
    const answered = new Promise<T & { error?: string }>((resolve, reject) => {
      const onMessage = (answer: { op: string }) => {
        if (answer.op !== request.op) return;
        this.child.off('message', onMessage);
        resolve(answer as unknown as T & { error?: string });
      };
      this.child.on('message', onMessage);
      this.child.once('exit', (code) => reject(new Error(`the crowd process exited (${code})`)));
    });
    this.child.send(request);
    const answer = await within(timeoutMs, `the crowd's ${request.op}`, answered);
    if (answer.error) throw new Error(`crowd: ${answer.error}`);
    return answer;
  }
}

/** This process's resident set now: the server's memory, with its few well-behaved clients. */
function rss(): number {
  return process.memoryUsage().rss;
}

/** Linux's count of connections dropped because the listen queue was full (undefined elsewhere). */
async function listenOverflows(): Promise<number | undefined> {
  const text = await readFile('/proc/net/netstat', 'utf8').catch(() => undefined);
  const [names, values] = (text ?? '').split('\n').filter((line) => line.startsWith('TcpExt:'));
  if (!names || !values) return undefined;
  return Number(values.split(' ')[names.split(' ').indexOf('ListenOverflows')]);
}

async function reportLatency(t: TestContext, what: string, quiet: LatencyRun, loud: LatencyRun) {
  const [q, a] = [percentile(quiet.samples, 99), percentile(loud.samples, 99)];
  await figure(t, `${what} p99 quiet / under attack`, `${ms(q)} / ${ms(a)} (${quiet.sent} / ${loud.sent} probes)`);
  return { quiet: q, attack: a };
}

/**
 * A well-behaved but chatty client: 1900-character messages, each sent as soon as the server
 * echoes the previous one (like a person pasting and pressing Enter), until `until` settles.
 * This is the traffic that piles up in front of clients that never read. Returns how many it sent.
 */
async function talk(from: Stream, say: (text: string) => object, until: Promise<unknown>, { maxMessages = 200_000, maxMs = 240_000 } = {}) {
  const loop = bound(maxMessages, maxMs);
  const filler = 'z'.repeat(1900);
  let stopping = false;
  let echoed = 0;
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const pump = () => {
    if (!stopping && loop.more() && loop.turns === echoed) from.send(say(`talk ${loop.turn()} ${filler}`));
    if ((stopping || !loop.more()) && echoed === loop.turns) finish();
  };
  const stopListening = from.listen((frame) => {
    if (frame.type === 'entry' && String(frame.entry.text).startsWith('talk ')) {
      echoed++;
      pump();
    }
  });
  const stop = () => {
    stopping = true;
    pump();
  };
  until.then(stop, stop);
  pump();
  await Promise.race([finished, from.closed]);
  stopListening();
  return loop.turns;
}

/** How the two labs differ, for the scenarios below. */
interface Lab {
  name: '03' | '04';
  say: (text: string) => object;
  maxBuffered: number;
  /** The real server, a timed pair, and a way to let `count` people in (cookies for lab 04). */
  setUp(t: TestContext, options: { heartbeatMs?: number; crowd: string[] }): Promise<{
    url: string;
    server: { hub: NodeJS.EventEmitter };
    from: Stream;
    to: Stream;
    /** Opens one more well-behaved client where the offenders are. */
    extra(name: string): Promise<Stream>;
    targets: Target[];
    /** Resolves once the server has seen all `count` offenders connected. */
    everyoneIn(count: number): Promise<unknown>;
    /** Resolves once the server has cleaned up after all `count` offenders left. */
    everyoneOut(count: number): Promise<unknown>;
  }>;
}

const LAB03: Lab = {
  name: '03',
  say: say03,
  maxBuffered: MAX_BUFFERED_03,
  async setUp(t, { heartbeatMs, crowd }) {
    const { server, url, open } = await lab03(t, heartbeatMs ? { heartbeatMs } : {});
    const [from, to] = [await open('user'), await open('agent')];
    let extras = 0;
    // Lab 03 takes at most MAX_WINDOWS windows: the rest of a crowd is refused (503).
    const others = (count: number) => (f: { type: string; online?: { user: number; agent: number } }) =>
      f.type === 'presence' && f.online!.user + f.online!.agent === Math.min(count + 2 + extras, MAX_WINDOWS);
    return {
      url,
      server,
      from,
      to,
      extra: async () => {
        extras++;
        return open('user');
      },
      targets: crowd.map((_, i) => ({ query: `role=${i % 2 ? 'user' : 'agent'}` })),
      everyoneIn: (count) => to.waitFor(`presence counting ${count} more windows`, others(count), 180_000),
      everyoneOut: () => to.waitFor('presence counting only the well-behaved', others(0), 180_000),
    };
  },
};

const LAB04: Lab = {
  name: '04',
  say: send04,
  maxBuffered: MAX_BUFFERED_04,
  async setUp(t, { heartbeatMs, crowd }) {
    const { server, url, open } = await lab04(t, heartbeatMs ? { heartbeatMs } : {}, crowd);
    // The timed pair has a room of its own: in the lobby every message would go to the whole crowd.
    const [from, to] = [await open(await signUp(url, 'probe-from')), await open(await signUp(url, 'probe-to'))];
    from.send(send04('#cR quiet'));
    await from.waitFor('probe-from in quiet', (f) => f.type === 'joined' && f.room === 'quiet');
    to.send(send04('#gR quiet'));
    await to.waitFor('probe-to in quiet', (f) => f.type === 'joined' && f.room === 'quiet');
    const lobby = await open(await signUp(url, 'lobby-watcher'));
    const cookies: string[] = new Array(crowd.length);
    await inParallel(crowd.keys(), 16, async (i) => {
      cookies[i] = await logIn(url, crowd[i]!);
    });
    // A crowded lobby does not announce arrivals (chat.ts QUIET_ABOVE): the room list counts them.
    const lobbyHolds = (people: number) => (f: { type: string; rooms?: { name: string; members: number }[] }) =>
      f.type === 'rooms' && f.rooms!.find((room) => room.name === 'lobby')!.members === people;
    let extras = 0;
    const count = (verb: 'joined' | 'left', total: number) =>
      lobby.waitFor(`${total} crowd members ${verb}`, lobbyHolds((verb === 'joined' ? total : 0) + 1 + extras), 180_000);
    return {
      url,
      server,
      from,
      to,
      extra: async (name) => {
        extras++;
        return open(await signUp(url, name));
      },
      targets: cookies.map((cookie) => ({ cookie })),
      everyoneIn: (total) => count('joined', total),
      everyoneOut: (total) => count('left', total),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Scenarios: each measures, the tests below assert

async function burstScenario(t: TestContext, lab: Lab) {
  const crowdNames = Array.from({ length: SCALE.burst }, (_, i) => `crowd-${i}`);
  const { url, from, to, targets, everyoneIn } = await lab.setUp(t, { crowd: crowdNames });
  const crowd = await Crowd.start(t);
  const quiet = await measureLatency({ from, to, say: lab.say, intervalMs: PROBE_MS, count: PROBES, maxMs: 60_000 });
  const [before, overflowsBefore] = [rss(), await listenOverflows()];
  const memory = sampleMemory(t);
  const loop = watchEventLoop(t);
  const allIn = everyoneIn(SCALE.burst);
  const burst = crowd.request<BurstResult>({ op: 'burst', url, targets });
  const loud = await measureLatency({ from, to, say: lab.say, intervalMs: PROBE_MS, count: PROBES, maxMs: 180_000, until: burst });
  const result = await burst;
  await allIn;
  const [peak, stood] = [memory.stop(), loop.stop()];
  const overflows = overflowsBefore === undefined ? undefined : (await listenOverflows())! - overflowsBefore;
  await figure(t, `${lab.name} burst`, `${result.opened}/${SCALE.burst} opened in ${ms(result.ms)}${overflows === undefined ? '' : ` (listen-queue overflows: ${overflows})`}`);
  await figure(t, `${lab.name} burst memory`, `${mib(before)} before, peak ${mib(peak.rss)} RSS (+${mib(peak.rss - before)}); bound +${mib(HEAP_SLACK + SCALE.burst * PER_CONNECTION)}`);
  await figure(t, `${lab.name} burst event loop`, `stood still for up to ${ms(stood)}`);
  const p99 = await reportLatency(t, `${lab.name} burst`, quiet, loud);
  await crowd.request({ op: 'close' });
  return { result, growth: peak.rss - before, p99 };
}

async function stallScenario(t: TestContext, lab: Lab) {
  const crowdNames = Array.from({ length: SCALE.stalled }, (_, i) => `crowd-${i}`);
  // A long heartbeat, so that the clients are dropped for not reading, not for not answering pings.
  const { server, url, from, to, extra, targets, everyoneIn, everyoneOut } = await lab.setUp(t, { heartbeatMs: 600_000, crowd: crowdNames });
  const talker = await extra('talker');
  const crowd = await Crowd.start(t);
  const quiet = await measureLatency({ from, to, say: lab.say, intervalMs: PROBE_MS, count: PROBES, maxMs: 60_000 });
  const drops: string[] = [];
  server.hub.on('drop', (_who: string, reason: string) => drops.push(reason));
  const allIn = everyoneIn(SCALE.stalled);
  await crowd.request({ op: 'stall', lab: lab.name, url, targets });
  await allIn;
  const before = rss();
  const memory = sampleMemory(t);
  const loop = watchEventLoop(t);
  // Under attack until the server has dropped every stalled client and cleaned up after it.
  const allOut = everyoneOut(SCALE.stalled);
  const talked = talk(talker, lab.say, allOut);
  const loud = await measureLatency({ from, to, say: lab.say, intervalMs: PROBE_MS, count: PROBES, maxMs: 240_000, until: allOut });
  await allOut;
  const messages = await talked;
  const [peak, stood] = [memory.stop(), loop.stop()];
  await figure(t, `${lab.name} stalled`, `${drops.length}/${SCALE.stalled} dropped ("${[...new Set(drops)].join('", "')}") after ${messages} messages of 1.9 KB`);
  await figure(t, `${lab.name} stalled memory`, `${mib(before)} before, peak ${mib(peak.rss)} RSS (+${mib(peak.rss - before)}); bound +${mib(SCALE.stalled * perStalled(lab.maxBuffered))}`);
  await figure(t, `${lab.name} stalled event loop`, `stood still for up to ${ms(stood)}`);
  const p99 = await reportLatency(t, `${lab.name} stalls`, quiet, loud);
  await crowd.request({ op: 'close' });
  return { drops, growth: peak.rss - before, p99 };
}

/**
 * One client that never reads, in front of a talker with short (200-character) messages, each
 * sent once the previous one is back (so every frame is a write of its own), until the server
 * drops it. Returns the longest the event loop stood still meanwhile.
 */
async function freezeScenario(t: TestContext, lab: Lab) {
  const { server, url, extra, targets } = await lab.setUp(t, { heartbeatMs: 600_000, crowd: ['crowd-0'] });
  const talker = await extra('talker');
  const frozen = lab.name === '03' ? connectSilently03(url, targets[0]!.query!) : connectSilently04(url, targets[0]!.cookie!);
  t.after(() => frozen.destroy());
  await within(30_000, 'the frozen client to connect', once(frozen, 'connect'));
  let dropped = false;
  server.hub.once('drop', () => (dropped = true));
  const stillness = watchEventLoop(t);
  const loop = bound(500_000, 120_000);
  let echoed = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (!dropped && loop.more() && loop.turns === echoed) talker.send(lab.say(`${loop.turn()} ${'x'.repeat(200)}`));
      if ((dropped || !loop.more()) && echoed === loop.turns) resolve();
    };
    talker.listen((frame) => frame.type === 'entry' && frame.entry.text.endsWith('x'.repeat(200)) && (echoed++, pump()));
    pump();
  });
  // A ping through the hub after the drop: it comes back once the clean-up is over.
  talker.send(lab.say('after the drop'));
  await talker.waitFor('the message after the drop', (f) => f.type === 'entry' && f.entry.text === 'after the drop');
  const longest = stillness.stop();
  await figure(t, `${lab.name} freeze`, `${loop.turns} messages of 200 characters until the drop; the event loop stood still for up to ${ms(longest)}`);
  return { dropped, longest };
}

/**
 * One client floods at 10x the lab's rate limit while three timed pairs talk under it (a probe
 * every 60 ms each, for enough samples); asserts the flooder is throttled, not disconnected, and
 * the pairs' p99 stays within 2x.
 */
async function floodScenario(
  t: TestContext,
  { lab, url, pairs, rate, target, frame }: { lab: Lab; url: string; pairs: { from: Stream; to: Stream; tag: string }[]; rate: { perSecond: number; burst: number }; target: Target; frame: 'send' | 'send' },
) {
  const crowd = await Crowd.start(t);
  const measure = async (until?: Promise<unknown>): Promise<LatencyRun> => {
    const count = QUICK ? 80 : 250;
    const runs = await Promise.all(pairs.map((pair) => measureLatency({ ...pair, say: lab.say, intervalMs: LIMITED_PROBE_MS, count, maxMs: 120_000, until })));
    return { samples: runs.flatMap((run) => run.samples), sent: runs.reduce((sum, run) => sum + run.sent, 0) };
  };
  const quiet = await measure();
  const perSecond = 10 * rate.perSecond;
  const flooded = crowd.request<FloodResult>({ op: 'flood', url, target, frame, perSecond, ms: FLOOD_MS });
  const loud = await measure(flooded);
  const result = await flooded;
  const allowed = rate.burst + (rate.perSecond * FLOOD_MS) / 1000;
  const refused = result.errors['rate-limited'] ?? 0;
  await figure(t, `${lab.name} flood`, `${result.sent} sent at ${perSecond}/s, ${result.accepted} let through (burst + rate x time = ${allowed}), ${refused} refused "rate-limited"`);
  const p99 = await reportLatency(t, `${lab.name} flood`, quiet, loud);
  assert.equal(result.closedWith, undefined, 'the flooder is throttled, not disconnected');
  assert.ok(result.accepted <= allowed + 5, `at most burst + rate x time got through: ${result.accepted}`);
  assert.equal(result.accepted + refused, result.sent, 'every frame was let through or refused');
  assert.match(result.firstError ?? '', /Slow down: at most 20 frames a second/);
  assertLatency(p99.quiet, p99.attack, `${lab.name} flood`);
}

// ---------------------------------------------------------------------------------------------

describe('03 realtime: floods and stalls', () => {
  it(`${SCALE.burst} connections opened in a burst: welcomed up to ${MAX_WINDOWS} windows, the rest refused with 503; memory stays under the bound`, async (t) => {
    const { result, growth } = await burstScenario(t, LAB03);
    const room = Math.min(SCALE.burst, MAX_WINDOWS - 2);
    assert.equal(result.opened, room, `the pair and ${room} more windows`);
    assert.deepEqual(result.failed, Array(SCALE.burst - room).fill('HTTP 503'), 'the others were told the chat is full');
    assert.ok(growth <= HEAP_SLACK + SCALE.burst * PER_CONNECTION, `+${mib(growth)}`);
  });

  it(`${SCALE.burst} connections opened in a burst: the real pair's p99 stays within 2x`, async (t) => {
    const { p99 } = await burstScenario(t, LAB03);
    assertLatency(p99.quiet, p99.attack, '03 burst');
  });

  it(`${SCALE.stalled} clients that never read are dropped ("it stopped reading"); memory stays under the bound; the others get every message in order`, async (t) => {
    const { drops, growth } = await stallScenario(t, LAB03);
    assert.deepEqual(drops, Array(SCALE.stalled).fill('it stopped reading'));
    assert.ok(growth <= SCALE.stalled * perStalled(MAX_BUFFERED_03), `+${mib(growth)}`);
  });

  it(`${SCALE.stalled} clients that never read: the others' p99 stays within 2x while they are dropped`, async (t) => {
    const { p99 } = await stallScenario(t, LAB03);
    assertLatency(p99.quiet, p99.attack, '03 stalls');
  });

  it('dropping a client that stopped reading does not stop the server for others (under 100 ms)', async (t) => {
    const { dropped, longest } = await freezeScenario(t, LAB03);
    assert.ok(dropped);
    assert.ok(longest < 100, `the event loop stood still for ${ms(longest)}`);
  });

  it('a client sending at 10x the rate limit is throttled with a clear error; p99 of the others within 2x', async (t) => {
    const { url, open } = await lab03(t, { rate: RATE_03 });
    const pairs: { from: Stream; to: Stream; tag: string }[] = [];
    for (let i = 0; i < 3; i++) pairs.push({ from: await open('user'), to: await open('agent'), tag: `probe${i}` });
    await floodScenario(t, { lab: LAB03, url, pairs, rate: RATE_03, target: { query: 'role=user' }, frame: 'send' });
  });
});

describe('04 rooms-p2p: floods and stalls', () => {
  it(`${SCALE.burst} connections opened in a burst: every one is welcomed and memory stays under the bound`, async (t) => {
    const { result, growth } = await burstScenario(t, LAB04);
    assert.deepEqual(result.failed, [], 'every connection opened');
    assert.ok(growth <= HEAP_SLACK + SCALE.burst * PER_CONNECTION, `+${mib(growth)}`);
  });

  it(`${SCALE.burst} connections opened in a burst: the p99 of a pair in another room stays within 2x`, async (t) => {
    const { p99 } = await burstScenario(t, LAB04);
    assertLatency(p99.quiet, p99.attack, '04 burst');
  });

  it(`${SCALE.stalled} clients that never read are dropped ("it stopped reading"); memory stays under the bound; the others get every message in order`, async (t) => {
    const { drops, growth } = await stallScenario(t, LAB04);
    assert.deepEqual(drops, Array(SCALE.stalled).fill('it stopped reading'));
    assert.ok(growth <= SCALE.stalled * perStalled(MAX_BUFFERED_04), `+${mib(growth)}`);
  });

  it(`${SCALE.stalled} clients that never read: the others' p99 stays within 2x while they are dropped`, async (t) => {
    const { p99 } = await stallScenario(t, LAB04);
    assertLatency(p99.quiet, p99.attack, '04 stalls');
  });

  it('dropping a client that stopped reading does not stop the server for others (under 100 ms)', async (t) => {
    const { dropped, longest } = await freezeScenario(t, LAB04);
    assert.ok(dropped);
    assert.ok(longest < 100, `the event loop stood still for ${ms(longest)}`);
  });

  it('a client sending at 10x the rate limit is throttled with a clear error; p99 of the others within 2x', async (t) => {
    const { url, open } = await lab04(t, { rate: RATE });
    const flooder = await signUp(url, 'flooder');
    const pairs: { from: Stream; to: Stream; tag: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const [from, to] = [await open(await signUp(url, `probe-from-${i}`)), await open(await signUp(url, `probe-to-${i}`))];
      pairs.push({ from, to, tag: `probe${i}` });
    }
    await floodScenario(t, { lab: LAB04, url, pairs, rate: RATE, target: { cookie: flooder }, frame: 'send' });
  });
});
