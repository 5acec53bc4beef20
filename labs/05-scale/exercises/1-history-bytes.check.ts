import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Chat, type Effects } from '../server/core/chat.ts';
import type { Entry, ServerFrame } from '../shared/protocol.ts';

const T = 1_800_000_000_000;
const LIMIT = 10_000;

/** An entry's size as the exercise counts it: its JSON, in UTF-8 bytes. */
const sizeOf = (entry: Entry) => Buffer.byteLength(JSON.stringify(entry));
const total = (entries: Entry[]) => entries.reduce((sum, entry) => sum + sizeOf(entry), 0);

async function historyBytes(): Promise<number> {
  const chat: Record<string, unknown> = await import('../server/core/chat.ts');
  assert.ok(typeof chat.HISTORY_BYTES === 'number', 'Export HISTORY_BYTES from server/core/chat.ts: the most bytes of entries a room keeps (256 KiB, 256 * 1024).');
  return chat.HISTORY_BYTES as number;
}

/** A chat with extra constructor options (the ones the exercise adds), and every entry it logs. */
function chatWith(options: { historyBytes?: number; historyLimit?: number }) {
  const chat = new Chat({ directory: () => [], ...options });
  const logged: Entry[] = [];
  const step = (fx: Effects) => {
    logged.push(...fx.log);
    return fx;
  };
  return { chat, logged, step };
}

function joinedOf(fx: Effects, conn: number): Extract<ServerFrame, { type: 'joined' }> {
  const joined = fx.send.find(({ to, frame }) => to.includes(conn) && frame.type === 'joined');
  assert.ok(joined, 'a newcomer gets a joined frame');
  return joined.frame as Extract<ServerFrame, { type: 'joined' }>;
}

/** The newest entries of `entries` whose sizes add up to at most `limit`: what a room should keep. */
function newestThatFit(entries: Entry[], limit: number): Entry[] {
  let bytes = 0;
  let first = entries.length;
  while (first > 0 && bytes + sizeOf(entries[first - 1]!) <= limit) bytes += sizeOf(entries[--first]!);
  return entries.slice(first);
}

const sameEntries = (a: Entry[], b: Entry[]) => a.length === b.length && a.every((entry, i) => entry.seq === b[i]!.seq);

function describeKept(entries: Entry[]): string {
  return `${entries.length} entries (seq ${entries[0]?.seq}…${entries.at(-1)?.seq}), ${total(entries).toLocaleString('en')} bytes of JSON`;
}

/** Counts the characters JSON.stringify produces while `run` runs. */
function jsonProduced(t: TestContext, run: () => void): number {
  let chars = 0;
  const stringify = JSON.stringify;
  t.mock.method(JSON, 'stringify', (...args: Parameters<typeof JSON.stringify>) => {
    const text = stringify(...args);
    chars += text?.length ?? 0;
    return text;
  });
  run();
  t.mock.restoreAll();
  return chars;
}

describe('05 scale exercise 1: A room\'s history, bounded in bytes', () => {
  it('a newcomer gets the newest entries that fit in historyBytes, counted in UTF-8 bytes, not characters', async () => {
    await historyBytes();
    const { chat, logged, step } = chatWith({ historyBytes: LIMIT });
    step(chat.connect(1, 'ann', T));
    for (let i = 0; i < 50; i++) step(chat.say(1, `${i} ${'é'.repeat(1000)}`, T));
    const joined = joinedOf(step(chat.connect(2, 'ben', T)), 2);
    const expected = newestThatFit(logged, LIMIT);
    assert.ok(
      total(joined.entries) <= LIMIT,
      `With historyBytes: ${LIMIT}, ben got ${describeKept(joined.entries)}. Measure each entry as Buffer.byteLength(JSON.stringify(entry)): "é" is 1 character but 2 bytes.`,
    );
    assert.ok(sameEntries(joined.entries, expected), `ben should get the newest entries that fit, ${describeKept(expected)}; he got ${describeKept(joined.entries)}.`);
    assert.deepEqual(
      [joined.missed, joined.last],
      [expected[0]!.seq - 1, logged.at(-1)!.seq],
      '"missed" counts the entries too old to replay (those before the first one kept), "last" is the newest seq.',
    );
  });

  it('a returning reader still learns how many entries they missed', () => {
    const { chat, logged, step } = chatWith({ historyBytes: LIMIT });
    step(chat.connect(1, 'ann', T));
    for (let i = 0; i < 50; i++) step(chat.say(1, `${i} ${'x'.repeat(1500)}`, T));
    const joined = joinedOf(step(chat.connect(2, 'ben', T, { room: 'lobby', after: 3 })), 2);
    const expected = newestThatFit(logged, LIMIT);
    assert.ok(sameEntries(joined.entries, expected), `ben resumes with the entries the room still keeps, ${describeKept(expected)}; he got ${describeKept(joined.entries)}.`);
    assert.equal(joined.missed, expected[0]!.seq - 1 - 3, `ben saw up to seq 3 and the room keeps from seq ${expected[0]!.seq}: "missed" counts the ones in between.`);
  });

  it('by default, a room of long messages keeps at most HISTORY_BYTES, however few entries that is', async () => {
    const limit = await historyBytes();
    assert.ok(limit >= 64 * 1024, `HISTORY_BYTES is ${limit}: it must hold at least the largest entry (a 2,000-character message whose every character JSON escapes is about 12 KiB); the statement asks for 256 KiB.`);
    const { chat, logged, step } = chatWith({});
    step(chat.connect(1, 'ann', T));
    for (let i = 0; i < 300; i++) step(chat.say(1, `${i} ${'ü'.repeat(1990)}`, T));
    const joined = joinedOf(step(chat.connect(2, 'ben', T)), 2);
    assert.ok(total(joined.entries) <= limit, `Without a historyBytes option, ben got ${describeKept(joined.entries)}: more than HISTORY_BYTES (${limit.toLocaleString('en')}).`);
    const expected = newestThatFit(logged, limit);
    assert.ok(sameEntries(joined.entries, expected), `ben should get the newest entries that fit, ${describeKept(expected)}; he got ${describeKept(joined.entries)}.`);
  });

  it('still keeps at most historyLimit entries when they are short', () => {
    const { chat, step } = chatWith({ historyLimit: 3, historyBytes: LIMIT });
    step(chat.connect(1, 'ann', T));
    for (let i = 0; i < 10; i++) step(chat.say(1, `m${i}`, T));
    const joined = joinedOf(step(chat.connect(2, 'ben', T)), 2);
    assert.deepEqual(joined.entries.map((entry) => entry.text), ['m8', 'm9', 'ben joined'], 'the limit in entries (HISTORY_LIMIT, or historyLimit) still holds too');
  });

  it('measures each entry once or twice, never the whole history again for every new entry', (t) => {
    const { chat, step } = chatWith({ historyBytes: LIMIT });
    step(chat.connect(1, 'ann', T));
    const messages = Array.from({ length: 2000 }, (_, i) => `message number ${i}, a line of chat`);
    const json = jsonProduced(t, () => {
      for (const text of messages) step(chat.say(1, text, T));
    });
    const joined = joinedOf(step(chat.connect(2, 'ben', T)), 2);
    assert.ok(total(joined.entries) <= LIMIT, `the room kept ${describeKept(joined.entries)}, more than historyBytes (${LIMIT})`);
    const own = messages.length * sizeOf({ room: 'lobby', seq: 1000, time: T, kind: 'message', from: 'ann', text: messages[1000]! });
    assert.ok(
      json <= 3 * own,
      `Adding 2,000 entries (about ${own.toLocaleString('en')} bytes of JSON in all) made JSON.stringify produce ${json.toLocaleString('en')} characters: ` +
        'measure each new entry once and keep a running total for the room, instead of measuring the whole history again.',
    );
  });
});
