import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chat, type Effects } from '../server/core/chat.ts';

const people = ['ada', 'bob', 'cat'].map((login) => ({ login, firstName: login, lastName: 'Test' }));
const T = 1_800_000_000_000;

/** A chat with ada (1), bob (2) and cat (3) in the lobby. */
function lobby(): Chat {
  const chat = new Chat({ directory: () => people });
  for (const [conn, login] of [[1, 'ada'], [2, 'bob'], [3, 'cat']] as const) chat.connect(conn, login, T);
  return chat;
}

const COMMANDS = ['#cR', '#gR', '#eR', '#lR', '#dR', '#show users', '#exit', '#\\private', '#help'];

function describeEffects(fx: Effects): string {
  return JSON.stringify(fx.send.map(({ to, frame }) => ({ to, frame })));
}

describe('04 rooms-p2p exercise 1: A #help command', () => {
  it('#help answers the sender alone, with one info frame', () => {
    const fx = lobby().say(2, '#help', T);
    const frames = fx.send.map(({ frame }) => frame.type);
    assert.ok(!frames.includes('error'), `#help was refused: ${describeEffects(fx)}. Teach parseLine() in shared/commands.ts the #help command.`);
    assert.equal(fx.send.length, 1, `#help should send exactly one frame, but sent: ${describeEffects(fx)}`);
    assert.deepEqual(fx.send[0]!.to, [2], 'Only the person who typed #help (connection 2) should get the answer.');
    assert.equal(fx.send[0]!.frame.type, 'info', 'The answer to #help should be an info frame: {"type":"info","text":"…"}.');
  });

  it('the help line names every command, #help included', () => {
    const frame = lobby().say(1, '#help', T).send[0]?.frame;
    assert.equal(frame?.type, 'info', 'Expected an info frame in answer to #help.');
    const text = frame.type === 'info' ? frame.text : '';
    const missing = COMMANDS.filter((command) => !text.includes(command));
    assert.deepEqual(missing, [], `The help line "${text}" does not mention ${missing.join(', ')}.`);
  });

  it('works in any case: #HELP, #Help, and with blanks around it', () => {
    const chat = lobby();
    for (const line of ['#HELP', '#Help', '  #help  ']) {
      const frames = chat.say(3, line, T).send.map(({ frame }) => frame);
      assert.deepEqual(frames.map((frame) => frame.type), ['info'], `"${line}" should get one info frame, like #help (commands are case-insensitive).`);
    }
  });

  it('changes nothing: no entry for the room, nothing logged, no room list update', () => {
    const chat = lobby();
    const before = chat.rooms();
    const fx = chat.say(1, '#help', T);
    assert.equal(fx.send[0]?.frame.type, 'info', 'Expected an info frame in answer to #help.');
    assert.deepEqual(fx.log, [], '#help must not add an entry to the room or the log: it is a question, not news.');
    assert.deepEqual(fx.close, [], '#help must not close any connection.');
    assert.equal(fx.roomsChanged, false, '#help must not say that the room list changed (roomsChanged: false).');
    assert.deepEqual(chat.rooms(), before, 'The rooms should be as they were.');
  });

  it('#help me is a bad-argument error, to the sender only', () => {
    const fx = lobby().say(2, '#help me', T);
    assert.equal(fx.send.length, 1, `Expected one error frame, got: ${describeEffects(fx)}`);
    assert.deepEqual(fx.send[0]!.to, [2], 'The error should go to the sender only.');
    const frame = fx.send[0]!.frame;
    assert.equal(frame.type === 'error' && frame.code, 'bad-argument', `"#help me" should be refused with code bad-argument (as "#eR lobby" is), got: ${JSON.stringify(frame)}`);
    assert.deepEqual([fx.log, fx.roomsChanged], [[], false], 'A refused command changes nothing.');
  });
});
