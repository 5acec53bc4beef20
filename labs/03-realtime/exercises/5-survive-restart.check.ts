import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { parseLine } from '../server/core/log-format.ts';
import { entriesOf, settle, startLab, type AnyFrame } from './support.ts';

const ID = 'V1StGXR8_Z5jdHi6B-myT';
const OPEN_LOG = [
  `2026-11-22 14:03:07 * session ${ID} started`,
  '2026-11-22 14:03:07 <user> Hi! My order #1042 has not arrived yet.',
  '2026-11-22 14:03:30 <agent> Hello, this is Sam from support.\\nLet me look that up.',
];
const ENDED_LOG = [
  '2026-11-22 14:03:07 * session earlierSession started',
  '2026-11-22 14:03:07 <user> Hello?',
  '2026-11-22 14:03:07 * user ended the chat',
];

async function folderWith(t: TestContext, files: Record<string, string>) {
  const logDir = await tempDir(t, 'lab03-restart');
  for (const [name, contents] of Object.entries(files)) await writeFile(joinPath(logDir, name), contents);
  return logDir;
}

const linesOf = async (path: string) => (await readFile(path, 'utf8')).split('\n');
const brief = (entries: AnyFrame[]) => entries.map((entry) => `${entry.seq} ${entry.kind} "${entry.text}"`).join(', ') || 'no entries';

describe('03 realtime exercise 5: survive a restart', () => {
  it('Ctrl-C writes no end line, and after a restart the session goes on: same id, same numbering, same file', async (t) => {
    const logDir = await tempDir(t, 'lab03-restart');
    const first = await startLab(t, { logDir });
    const user = await first.join('role=user');
    user.send({ type: 'send', text: 'before the restart' });
    await settle(user);
    const [start, before] = entriesOf(user);
    await first.server.close();
    const [file] = await readdir(logDir);
    const lines = await linesOf(joinPath(logDir, file!));
    assert.doesNotMatch(lines.at(-2)!, /server stopped/, `Ctrl-C (server.close()) wrote an end line: a stop is not the end of the chat.\n${lines.join('\n')}`);

    const second = await startLab(t, { logDir });
    const fresh = await second.join('role=user');
    const welcome = (await fresh.next('welcome')) as unknown as AnyFrame;
    assert.ok(welcome.session === start.session, `After the restart, a new window was welcomed into session ${welcome.session}: it should be ${start.session}, read back from the log.`);
    assert.deepEqual(
      welcome.entries.map((entry: AnyFrame) => [entry.seq, entry.text]),
      [[1, start.text], [2, 'before the restart']],
      'After the restart, a new window should be shown the session so far, rebuilt from the log.',
    );
    const back = await second.join(`role=user&session=${before.session}&after=${before.seq}`);
    const resumed = (await back.next('welcome')) as unknown as AnyFrame;
    assert.equal(resumed.entries.length, 0, `A window that reconnects after entry 2 missed nothing, yet was sent: ${brief(resumed.entries)}.`);
    fresh.send({ type: 'send', text: 'after the restart' });
    await settle(fresh, back);
    const [after] = entriesOf(back);
    assert.ok(after?.session === start.session && after.seq === 3, `The first message after the restart should be entry 3 of the same session; it is ${after ? `${after.seq} of ${after.session}` : 'missing'}.`);
    await second.server.close();
    assert.deepEqual(await readdir(logDir), [file], 'The restarted session should go on in the same file, not open a new one.');
    assert.match((await linesOf(joinPath(logDir, file!)))[2]!, / <user> after the restart$/, 'The message after the restart should be line 3 of the same file.');
  });

  it('rebuilds the session from a log it did not write: id, numbers, senders, text and times', async (t) => {
    const logDir = await folderWith(t, {
      'chat_20261122-140307.log': `${ENDED_LOG.join('\n')}\n`,
      'chat_20261122-140307_2.log': `${OPEN_LOG.join('\n')}\n`,
    });
    const { server, join } = await startLab(t, { logDir });
    const agent = await join('role=agent');
    const welcome = (await agent.next('welcome')) as unknown as AnyFrame;
    assert.ok(welcome.session === ID, `The newest log, chat_20261122-140307_2.log, has no end line: its session ${ID} should go on (the welcome says ${welcome.session}).`);
    const at = (seconds: number) => new Date(2026, 10, 22, 14, 3, seconds).getTime();
    assert.deepEqual(
      welcome.entries,
      [
        { session: ID, seq: 1, time: at(7), kind: 'start', from: null, text: `session ${ID} started` },
        { session: ID, seq: 2, time: at(7), kind: 'message', from: 'user', text: 'Hi! My order #1042 has not arrived yet.' },
        { session: ID, seq: 3, time: at(30), kind: 'message', from: 'agent', text: 'Hello, this is Sam from support.\nLet me look that up.' },
      ],
      'Entry n comes from line n: seq, kind (start or message), from and text through parseLine(), time from the line in local time.',
    );
    agent.send({ type: 'send', text: 'Found it: it ships today.' });
    await settle(agent);
    const [found] = entriesOf(agent);
    assert.ok(found?.seq === 4 && found.session === ID, `The next message should be entry 4 of ${ID}; it is ${found ? `${found.seq} of ${found.session}` : 'missing'}.`);
    await server.close();
    assert.deepEqual((await readdir(logDir)).sort(), ['chat_20261122-140307.log', 'chat_20261122-140307_2.log'], 'No new log file: the session goes on in its own.');
    const lines = await linesOf(joinPath(logDir, 'chat_20261122-140307_2.log'));
    assert.deepEqual(lines.slice(0, 3), OPEN_LOG, 'The lines already in the log must stay as they were.');
    assert.match(lines[3]!, / <agent> Found it: it ships today\.$/, 'The new message should be appended to the same file, as line 4.');
  });

  it('leaves ended logs and older open ones alone: a new session, in a new file', async (t) => {
    const logDir = await folderWith(t, {
      'chat_20261121-090000.log': `${OPEN_LOG.join('\n')}\n`,
      'chat_20261122-140307.log': `${ENDED_LOG.join('\n')}\n`,
    });
    const { server, join } = await startLab(t, { logDir });
    const user = await join('role=user');
    const welcome = (await user.next('welcome')) as unknown as AnyFrame;
    assert.ok(welcome.session === null, `The newest log has ended, so there is no session to go on with; the welcome says ${welcome.session}.`);
    user.send({ type: 'send', text: 'a new question' });
    await settle(user);
    assert.notEqual(entriesOf(user)[0]?.session, ID, 'An older log without an end line belongs to a chat long gone: only the newest log may go on.');
    await server.close();
    assert.equal((await readdir(logDir)).length, 3, 'A new session gets a new file.');
  });

  it('a half-written last line keeps its number, and the next entry starts on a line of its own', async (t) => {
    const torn = '2026-11-22 14:03:41 <user> Are you th';
    const logDir = await folderWith(t, { 'chat_20261122-140307.log': `${OPEN_LOG.join('\n')}\n${torn}` });
    const { server, join } = await startLab(t, { logDir });
    const agent = await join('role=agent');
    agent.send({ type: 'send', text: 'Yes, I am here.' });
    await settle(agent);
    const [reply] = entriesOf(agent);
    assert.ok(
      reply?.seq === 5,
      `The log has 4 lines, the last one half written: its entry (4) may have been shown already, so the next one is 5, never 4 again. It got ${reply?.seq}.`,
    );
    await server.close();
    const lines = await linesOf(joinPath(logDir, 'chat_20261122-140307.log'));
    assert.equal(lines[3], torn, `The half-written line should stay as it is, on a line of its own:\n${lines.join('\n')}`);
    assert.match(lines[4] ?? '', / <agent> Yes, I am here\.$/, `The next entry should start on a new line:\n${lines.join('\n')}`);
    assert.ok(lines.slice(0, -1).every((line) => parseLine(line)), `Every line should read back with parseLine():\n${lines.join('\n')}`);
  });
});

