import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { describe, it } from 'node:test';
import { describeFrames, entriesOf, framesOf, settle, startLab } from './support.ts';

describe('03 realtime exercise 1: a #who command', () => {
  it('the window that sends #who gets an info frame with who is online', async (t) => {
    const { join } = await startLab(t);
    const user = await join('role=user');
    await join('role=agent');
    await join('role=agent');
    user.send({ type: 'send', text: '#who' });
    await settle(user);
    const info = framesOf(user).find((frame) => frame.type === 'info');
    assert.ok(info, `No {"type":"info"} frame came back for #who. The user window got:\n  ${describeFrames(framesOf(user).slice(1))}`);
    assert.equal(typeof info.text, 'string', 'The info frame needs a text: {"type":"info","text":"Online: 1 user, 2 agents"}');
    assert.match(info.text, /\b1 user\b/, `With 1 user and 2 agents online, the answer should say "1 user"; it says "${info.text}".`);
    assert.match(info.text, /\b2 agents\b/, `With 1 user and 2 agents online, the answer should say "2 agents"; it says "${info.text}".`);
  });

  it('the other windows receive nothing, and #who (in any case) is never delivered as a message', async (t) => {
    const { join } = await startLab(t);
    const user = await join('role=user');
    const agent = await join('role=agent');
    const before = framesOf(agent).length;
    user.send({ type: 'send', text: '#WHO' });
    await settle(user, agent);
    const delivered = entriesOf(user).find((entry) => /#who/i.test(entry.text));
    assert.ok(!delivered, '#WHO was delivered as a message: a command is answered, never sent. (Commands are case-insensitive.)');
    assert.ok(framesOf(user).some((frame) => frame.type === 'info'), '#WHO got no info frame: commands are case-insensitive.');
    const seenByAgent = framesOf(agent).slice(before).filter((frame) => frame.type !== 'presence');
    assert.deepEqual(seenByAgent, [], `The agent window got something for the user's #who: only the sender should. It got:\n  ${describeFrames(seenByAgent)}`);
  });

  it('starts no session, writes no log line, and uses up no sequence number', async (t) => {
    const { server, logDir, join } = await startLab(t);
    const user = await join('role=user');
    user.send({ type: 'send', text: '#who' });
    await settle(user);
    assert.equal((await readdir(logDir)).length, 0, 'A log file was created for #who: a command starts no session.');
    user.send({ type: 'send', text: 'hello' });
    user.send({ type: 'send', text: ' #who ' });
    user.send({ type: 'send', text: 'bye' });
    await settle(user);
    const entries = entriesOf(user).filter((entry) => !/#who/i.test(entry.text));
    assert.deepEqual(
      entries.map((entry) => [entry.seq, entry.text]).slice(1),
      [[2, 'hello'], [3, 'bye']],
      'The message after #who should be entry 3, right after "hello" (entry 2): #who takes no number.',
    );
    await server.close();
    const [file] = await readdir(logDir);
    const log = await readFile(joinPath(logDir, file!), 'utf8');
    assert.doesNotMatch(log, /#who/i, `#who was written to the log:\n${log}`);
    assert.equal(log.split('\n').length, 5, `The log should have 4 lines (start, hello, bye, end):\n${log}`);
  });
});
