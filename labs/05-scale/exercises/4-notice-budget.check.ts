import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chat, type Effects } from '../server/core/chat.ts';

const T = 1_800_000_000_000;
const CROWD = 1000;

async function noticeBudget(): Promise<number> {
  const chat: Record<string, unknown> = await import('../server/core/chat.ts');
  const budget = chat.NOTICE_BUDGET;
  assert.ok(typeof budget === 'number', 'Export NOTICE_BUDGET from server/core/chat.ts: how many notice frames a room may cost a second, and at once (2000).');
  assert.ok(budget >= CROWD && budget <= 100_000, `NOTICE_BUDGET is ${budget}: the statement asks for 2000 (and these checks need from ${CROWD} to 100,000).`);
  return budget;
}

/** Frames that notices ("ann joined", "ann left") cost in a step: one per notice per recipient. */
function noticeFrames(fx: Effects): number {
  return fx.send.reduce((sum, { to, frame }) => sum + (frame.type === 'entry' && frame.entry.kind === 'notice' ? to.length : 0), 0);
}

/** A chat and `n` people who arrive at `time(i)`; what their arrivals cost in notice frames, and which were announced. */
function arrive(n: number, time: (i: number) => number, chat = new Chat({ directory: () => [] }), first = 1) {
  let frames = 0;
  const announced: string[] = [];
  for (let i = 0; i < n; i++) {
    const fx = chat.connect(first + i, `user${first + i}`, time(i));
    frames += noticeFrames(fx);
    announced.push(...fx.log.filter((entry) => entry.kind === 'notice').map((entry) => entry.text));
  }
  return { chat, frames, announced };
}

/** The largest class whose arrivals at once fit in `budget`: the k-th arrival costs k - 1 frames. */
function classFitting(budget: number): number {
  let size = 1;
  while (((size + 1) * size) / 2 <= budget) size++;
  return size;
}

describe('05 scale exercise 4: Quiet rooms by budget, not by size', () => {
  it('a class arriving all at once hears of every arrival, when their notices fit in the budget', async () => {
    const budget = await noticeBudget();
    const size = classFitting(budget);
    const { frames, announced } = arrive(size, () => T);
    assert.equal(announced.length, size, `${size} people arriving at once cost ${(size * (size - 1)) / 2} notice frames, within NOTICE_BUDGET (${budget}): each arrival should be announced, not ${announced.length}.`);
    assert.equal(frames, (size * (size - 1)) / 2, 'each arrival is announced to everyone already there');
  });

  it(`a crowd of ${CROWD} arriving at once costs at most NOTICE_BUDGET notice frames`, async () => {
    const budget = await noticeBudget();
    const { frames, announced } = arrive(CROWD, () => T);
    assert.ok(frames <= budget, `${CROWD} arrivals in the same instant cost ${frames.toLocaleString('en')} notice frames (${announced.length} notices): at most NOTICE_BUDGET (${budget}) should go out in one second.`);
    assert.ok(announced.length > 1, 'the first arrivals, into a small room, are still announced');
  });

  it('a crowded room still hears of someone who comes or goes after a calm moment', async () => {
    await noticeBudget();
    const { chat } = arrive(CROWD, () => T);
    const late = chat.connect(CROWD + 1, 'late', T + 60_000);
    assert.deepEqual(
      late.log.map((entry) => entry.text),
      ['late joined'],
      `After a quiet minute, a room of ${CROWD} should hear that "late" joined: one notice, ${CROWD} frames, within the budget. A fixed size limit (QUIET_ABOVE) keeps it silent forever.`,
    );
    assert.equal(noticeFrames(late), CROWD, `the notice goes to the ${CROWD} people there`);
    const left = chat.disconnect(5, T + 120_000);
    assert.deepEqual(left.log.map((entry) => entry.text), ['user5 left'], 'leaving is announced too, after another quiet minute');
  });

  it('refills the budget at NOTICE_BUDGET frames a second: a crowd arriving over 10 seconds costs at most 11 seconds\' worth', async () => {
    const budget = await noticeBudget();
    const { frames } = arrive(CROWD, (i) => T + i * 10);
    assert.ok(frames <= 11 * budget, `${CROWD} arrivals over 10 s cost ${frames.toLocaleString('en')} notice frames: at most NOTICE_BUDGET at once plus NOTICE_BUDGET a second (${(11 * budget).toLocaleString('en')}).`);
    assert.ok(frames >= 5 * budget, `${CROWD} arrivals over 10 s cost only ${frames.toLocaleString('en')} notice frames: the budget refills every second (NOTICE_BUDGET a second), so more of them should be announced.`);
  });

  it('each room has a budget of its own: a crowd in the lobby does not silence a small room', async () => {
    await noticeBudget();
    const { chat } = arrive(CROWD, () => T);
    chat.say(1, '#cR games', T);
    const go = chat.say(2, '#gR games', T);
    assert.ok(
      go.log.some((entry) => entry.room === 'games' && entry.text === 'user2 joined'),
      'user1 made the room "games" and user2 went in, the same instant the lobby spent its budget: user1 should hear that user2 joined.',
    );
  });

  it('never rations messages: in a room that spent its budget, a message still reaches everyone', async () => {
    await noticeBudget();
    const { chat } = arrive(CROWD, () => T);
    const said = chat.say(1, 'hello crowd', T);
    const recipients = said.send.filter(({ frame }) => frame.type === 'entry').reduce((sum, { to }) => sum + to.length, 0);
    assert.equal(recipients, CROWD, 'a message goes to everyone in the room');
  });
});
