import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { Chat, type ConnId, type Effects } from '../server/core/chat.ts';
import { startServer } from '../server/server.ts';
import type { ServerFrame } from '../shared/protocol.ts';
import { TestClient, signUp } from '../test/ws-client.ts';

const T = 1_800_000_000_000;

/** An entry frame, with the `mention` flag the exercise adds (absent from the lab as shipped). */
type EntryFrame = Extract<ServerFrame, { type: 'entry' }> & { mention?: unknown };

/** The entry frames one step sends to `conn`. */
const entriesTo = (fx: Effects, conn: ConnId) =>
  fx.send.filter(({ to, frame }) => to.includes(conn) && frame.type === 'entry').map(({ frame }) => frame as EntryFrame);

/** The distinct entry frame objects a step makes: the hub encodes each object once. */
const entryFrames = (fx: Effects) => new Set(fx.send.filter(({ frame }) => frame.type === 'entry').map(({ frame }) => frame)).size;

/** A chat with `logins` connected to the lobby as connections 1, 2, 3… */
function lobbyOf(logins: string[]) {
  const chat = new Chat({ directory: () => [] });
  logins.forEach((login, i) => chat.connect(i + 1, login, T));
  return chat;
}

function flags(fx: Effects, logins: string[]): Record<string, string> {
  return Object.fromEntries(
    logins.map((login, i) => {
      const frames = entriesTo(fx, i + 1);
      if (frames.length !== 1) return [login, `${frames.length} entry frames`];
      return [login, 'mention' in frames[0]! ? `mention: ${JSON.stringify(frames[0].mention)}` : 'no mention'];
    }),
  );
}

describe('05 scale exercise 3: A colleague\'s change: mentions', () => {
  it('an entry reaches the people it mentions with mention: true, and everyone else without it', () => {
    const people = ['alice', 'bob', 'carol', 'dave'];
    const fx = lobbyOf(people).say(1, 'hey @Bob and @carol, look at this', T);
    assert.deepEqual(
      flags(fx, people),
      { alice: 'no mention', bob: 'mention: true', carol: 'mention: true', dave: 'no mention' },
      'alice wrote "hey @Bob and @carol, look at this": bob and carol should get the entry with mention: true, alice and dave without a mention field',
    );
  });

  it('only an @login counts: "@bob." yes, "@bobby" and "dave@bob.example" no', () => {
    const people = ['alice', 'bob', 'bobby'];
    const chat = lobbyOf(people);
    assert.deepEqual(flags(chat.say(1, 'thanks @bob.', T), people), { alice: 'no mention', bob: 'mention: true', bobby: 'no mention' }, '"thanks @bob." mentions bob');
    assert.deepEqual(flags(chat.say(1, 'hi @bobby', T), people), { alice: 'no mention', bob: 'no mention', bobby: 'mention: true' }, '"hi @bobby" mentions bobby, not bob');
    assert.deepEqual(flags(chat.say(1, 'write to dave@bob.example', T), people), { alice: 'no mention', bob: 'no mention', bobby: 'no mention' }, 'an e-mail address mentions nobody');
  });

  it('a message to a room of 200 is at most 2 frames, however many it mentions: one for those mentioned, one for the rest', () => {
    const people = Array.from({ length: 200 }, (_, i) => `user${i + 1}`);
    const chat = lobbyOf(people);
    const fx = chat.say(1, 'hi @user2 @user3 and @user4', T);
    const mentionedOnes = people.filter((_, i) => entriesTo(fx, i + 1).some((frame) => frame.mention === true));
    assert.ok(mentionedOnes.join() === 'user2,user3,user4', `"hi @user2 @user3 and @user4" should mention user2, user3 and user4; mention: true went to [${mentionedOnes.join(', ')}]`);
    assert.ok(people.every((_, i) => entriesTo(fx, i + 1).length === 1), 'everyone gets the entry exactly once');
    const frames = entryFrames(fx);
    assert.ok(
      frames <= 2,
      `One message to 200 people made ${frames} entry frame objects. The hub encodes each frame object once (JSON.stringify, then a WebSocket header): ` +
        'that is one encoding per recipient. Send one frame to everyone mentioned and one to everyone else.',
    );
    const plain = entryFrames(chat.say(1, 'no mention here', T));
    assert.equal(plain, 1, `a message that mentions nobody should be one frame for the whole room, not ${plain}`);
  });

  it('over the wire: a message to 4 people that mentions one is encoded at most twice', async (t: TestContext) => {
    const dir = await tempDir(t, 'lab05-exercise-mentions');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0, rateLimit: 1_000_000 });
    t.after(() => server.close());
    const url = server.urls[0]!;
    const clients: TestClient[] = [];
    for (const login of ['ann', 'ben', 'cat', 'dan']) {
      const client = await TestClient.connect(url, await signUp(url, login));
      t.after(() => client.close());
      clients.push(client);
    }
    const ann = clients[0]!;
    await ann.next('entry', ({ entry }) => entry.text === 'dan joined');
    const stringify = t.mock.method(JSON, 'stringify');
    ann.send({ type: 'send', text: '@ben, your turn' });
    const got = await Promise.all(clients.map((client) => client.next('entry', ({ entry }) => entry.text === '@ben, your turn')));
    const encodings = stringify.mock.calls.filter((call) => (call.arguments[0] as { type?: unknown } | null)?.type === 'entry').length;
    t.mock.restoreAll();
    const mentions = got.map((frame) => (frame as EntryFrame).mention ?? 'none');
    assert.deepEqual(mentions, ['none', true, 'none', 'none'], 'ann, ben, cat and dan got these "mention" fields: only ben is mentioned');
    assert.ok(encodings <= 2, `The server encoded that one message ${encodings} times (JSON.stringify of an entry frame): at most 2, one for ben and one for the others.`);
  });
});
