import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { startServer } from '../server/server.ts';
import { parseLine } from '../shared/commands.ts';
import { ENTRY_LINE } from '../shared/text-protocol.ts';
import { LineClient } from '../test/tcp-client.ts';
import { TestClient, signUp } from '../test/ws-client.ts';

async function start(t: TestContext, gate = 0) {
  const dir = await tempDir(t, 'lab06-exercise-me');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate, rateLimit: 1000 });
  let closing: Promise<void> | undefined;
  /** Stops the server once; its log is then fully written. */
  const stop = () => (closing ??= server.close());
  t.after(stop);
  const url = server.urls[0]!;
  const browser = async (login: string) => {
    const client = await TestClient.connect(url, await signUp(url, login));
    t.after(() => client.close());
    return client;
  };
  const terminal = async (login: string) => {
    await signUp(url, login);
    const client = await LineClient.logIn(server.tcpPort, login);
    t.after(() => client.socket.destroy());
    return client;
  };
  return { server, stop, browser, terminal };
}

describe('06 tcp exercise 1: A #me action line', () => {
  it('reads "#me <action>" (any case) as an action, not as a message or an unknown command', () => {
    const line = parseLine('#ME waves at everyone') as { kind: string };
    assert.notEqual(line.kind, 'message', '"#me waves" is read as a plain message: add #me to parseLine in shared/commands.ts.');
    assert.notEqual(line.kind, 'error', `"#me waves" is refused: ${JSON.stringify(line)}. Add #me to parseLine in shared/commands.ts.`);
  });

  it('turns "#me waves" from a terminal into a notice "ana waves" that everyone in the room gets, the sender too', async (t) => {
    const { browser, terminal } = await start(t);
    const ben = await browser('ben');
    const ana = await terminal('ana');
    await ben.next('entry', ({ entry }) => entry.text === 'ana joined');
    ana.send('#me waves at everyone');
    ana.send('and says hello');
    await ben.next('entry', ({ entry }) => entry.text === 'and says hello');
    const first = ben.frames.flatMap((frame) => (frame.type === 'entry' ? [frame.entry] : [])).find((entry) => entry.text.includes('waves at everyone'));
    assert.ok(first, 'The browser user never got an entry for "#me waves at everyone" (it should come before "and says hello").');
    assert.deepEqual(
      { kind: first.kind, from: first.from, text: first.text },
      { kind: 'notice', from: null, text: 'ana waves at everyone' },
      'An action is a notice (no sender) whose text is the login, a space, and the action.',
    );
    const own = await ana.next(/waves at everyone/);
    assert.match(own, /^\[\d\d:\d\d:\d\d\] #lobby \* ana waves at everyone$/, `The terminal should show it like any notice; it showed: ${own}`);
  });

  it('works from a browser too, and the log writes it as a notice', async (t) => {
    const { server, stop, browser, terminal } = await start(t);
    const ben = await browser('ben');
    const ana = await terminal('ana');
    await ben.next('entry', ({ entry }) => entry.text === 'ana joined');
    ben.send({ type: 'send', text: '#me shrugs' });
    ben.send({ type: 'send', text: 'then speaks' });
    await ana.next(/<ben> then speaks$/);
    const line = ana.lines.find((text) => text.includes('shrugs'));
    assert.ok(line, 'The terminal never got "#me shrugs" sent from a browser (it should come before "then speaks").');
    assert.equal(ENTRY_LINE.exec(line)?.[5], 'ben shrugs', `"#me shrugs" from a browser should reach the terminal as "* ben shrugs"; it got: ${line}`);
    await stop(); // the log is written in batches: stopping the server writes what waits
    const log = await readFile(await server.logPath, 'utf8');
    assert.match(log, /#lobby \* ben shrugs\n/, 'The log should have the action as a notice line: "… #lobby * ben shrugs".');
  });

  it('refuses "#me" with nothing to do, saying what to type', async (t) => {
    const { terminal } = await start(t);
    const ana = await terminal('ana');
    ana.send('#me');
    const error = await ana.next(/^!!!/);
    assert.equal(error, '!!! #me needs an action: #me <action>', `"#me" alone should be refused with that sentence (a bad-argument error); it got: ${error}`);
  });

  it('holds an action behind a closed gate, like any entry', async (t) => {
    const { browser, terminal } = await start(t, 2);
    const ana = await terminal('ana');
    ana.send('#me is early');
    ana.send('#lR');
    await ana.next('*** Rooms (1):');
    assert.ok(!ana.lines.some((line) => line.includes('is early')), 'Nobody may see the action while the gate is closed.');
    const ben = await browser('ben');
    const released = (await ben.next('joined', ({ entries }) => entries.length > 0)).entries.map((entry) => entry.text);
    assert.ok(released.includes('ana is early'), `Once the gate opens, the action comes with the other entries; they were: ${JSON.stringify(released)}`);
  });

  it('tells terminals about #me: in the welcome, and in the unknown-command error', async (t) => {
    const { terminal } = await start(t);
    const ana = await terminal('ana');
    assert.match(ana.lines.find((line) => line.startsWith('*** Hello'))!, /#me <action>/, 'The welcome should list "#me <action>" (COMMANDS in server/tcp/render.ts).');
    ana.send('#dance');
    assert.match(await ana.next(/^!!!/), /#me <action>/, 'The "Unknown command" error should list "#me <action>" (COMMAND_HELP in shared/commands.ts).');
  });
});
