import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconnectDelay } from '../client/connection.js';
import { Conversation, type Entry } from '../client/conversation.js';

const entry = (session: string, seq: number): Entry => ({ session, seq, time: 0, kind: seq === 1 ? 'start' : 'message', from: 'user', text: `${session}#${seq}` });

describe('03 realtime: browser modules', () => {
  it('shows live entries in order, drops duplicates, and spots gaps', () => {
    const conversation = new Conversation();
    assert.equal(conversation.accept(entry('S1', 1)), 'show');
    assert.equal(conversation.accept(entry('S1', 2)), 'show');
    assert.equal(conversation.accept(entry('S1', 2)), 'duplicate');
    assert.equal(conversation.accept(entry('S1', 1)), 'duplicate');
    assert.equal(conversation.accept(entry('S1', 4)), 'gap');
    assert.equal(conversation.seq, 2, 'a gap changes nothing');
    assert.equal(conversation.accept(entry('S2', 3)), 'gap', 'a new session starts at 1');
    assert.equal(conversation.accept(entry('S2', 1)), 'show');
    assert.equal(conversation.resumeQuery(), '&session=S2&after=1');
  });

  it('replays a welcome across the seam: the end of its session, then a new one started mid-way', () => {
    const conversation = new Conversation();
    conversation.accept(entry('S1', 1));
    conversation.accept(entry('S1', 2));
    const shown = conversation.replay([entry('S1', 2), entry('S1', 3), entry('S2', 40), entry('S2', 41)]);
    assert.deepEqual(shown.map((e) => e.text), ['S1#3', 'S2#40', 'S2#41']);
    assert.equal(conversation.accept(entry('S2', 42)), 'show');
  });

  it('goes on past entries too old to replay, and then accepts live ones', () => {
    const conversation = new Conversation();
    conversation.accept(entry('S1', 1));
    const shown = conversation.replay([entry('S1', 600), entry('S1', 601)]);
    assert.deepEqual(shown.map((e) => e.seq), [600, 601]);
    assert.equal(conversation.accept(entry('S1', 602)), 'show');
  });

  it('resumes from nowhere before its first entry', () => {
    assert.equal(new Conversation().resumeQuery(), '');
  });

  it('backs off exponentially with jitter, from 0.5 s up to 10 s', () => {
    assert.equal(reconnectDelay(0, () => 0), 250);
    assert.equal(reconnectDelay(0, () => 1), 500);
    assert.equal(reconnectDelay(3, () => 0.5), 3000);
    assert.equal(reconnectDelay(20, () => 1), 10_000);
    assert.equal(reconnectDelay(20, () => 0), 5000);
  });
});
