import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openBrowser } from '@chat-lab/test-support';
import { describeFrames, entriesOf, framesOf, settle, shows, startLab, type AnyFrame } from './support.ts';

/** A user message (entry 2) and the agent's answer (entry 3). */
async function conversation(t: TestContext) {
  const lab = await startLab(t);
  const [user, agent] = [await lab.join('role=user'), await lab.join('role=agent')];
  user.send({ type: 'send', text: 'Where is order #1042?' });
  await settle(user);
  agent.send({ type: 'send', text: 'Let me look.' });
  await settle(agent, user);
  const session = entriesOf(user)[0].session as string;
  return { ...lab, user, agent, session };
}

const lastEntry = (frames: AnyFrame[]) => frames.filter((frame) => frame.type === 'entry').at(-1)?.entry;

describe('03 realtime exercise 4: edit a message, keep the order', () => {
  it('an edit appends a new entry, next in order, that names the message it edits, in every window', async (t) => {
    const { user, agent, session } = await conversation(t);
    user.send({ type: 'edit', session, seq: 2, text: 'Where is order #1043?' });
    await settle(user, agent);
    for (const [name, client] of [['user', user], ['agent', agent]] as const) {
      const edit = lastEntry(framesOf(client));
      assert.ok(
        edit?.seq === 4,
        `After {"type":"edit","session":…,"seq":2,"text":"Where is order #1043?"}, the ${name} window should get entry 4. It got:\n  ${describeFrames(framesOf(client).slice(-2))}`,
      );
      assert.deepEqual(
        { kind: edit.kind, from: edit.from, edits: edit.edits, text: edit.text },
        { kind: 'edit', from: 'user', edits: 2, text: 'Where is order #1043?' },
        `Entry 4 should be {"kind":"edit","from":"user","edits":2,"text":"Where is order #1043?"}.`,
      );
    }
  });

  it('only your own messages of the active session can be edited: anything else gets bad-edit, and nobody sees a thing', async (t) => {
    const { user, agent, session } = await conversation(t);
    const refused: [typeof user, object, string, string][] = [
      [agent, { type: 'edit', session, seq: 2, text: 'hacked' }, 'bad-edit', "The agent editing the user's message"],
      [user, { type: 'edit', session, seq: 3, text: 'hacked' }, 'bad-edit', "The user editing the agent's message"],
      [user, { type: 'edit', session, seq: 1, text: 'hacked' }, 'bad-edit', 'An edit of the session\'s start'],
      [user, { type: 'edit', session, seq: 99, text: 'hacked' }, 'bad-edit', 'An edit of entry 99, which does not exist'],
      [user, { type: 'edit', session: 'another-session', seq: 2, text: 'hacked' }, 'bad-edit', 'An edit in another session'],
      [user, { type: 'edit', session, seq: 2, text: '   ' }, 'bad-message', 'A blank edit'],
    ];
    for (const [sender, frame, code, what] of refused) {
      const other = sender === user ? agent : user;
      const [before, otherBefore] = [framesOf(sender).length, framesOf(other).length];
      sender.send(frame);
      await settle(sender, other);
      const answer = framesOf(sender).slice(before);
      assert.ok(
        answer.some((reply) => reply.type === 'error' && reply.code === code),
        `${what} should get an error frame with code ${code}. It got:\n  ${describeFrames(answer)}`,
      );
      const seen = framesOf(other).slice(otherBefore).filter((reply) => reply.type === 'entry');
      assert.equal(seen.length, 0, `After this (${what.toLowerCase()}), the other window got an entry: a refused edit changes nothing.`);
    }
  });

  it('the log gets one new line for the edit, after the others, and the original line stays as it was', async (t) => {
    const { server, logDir, user, session } = await conversation(t);
    user.send({ type: 'edit', session, seq: 2, text: 'Where is order #1043?' });
    await settle(user);
    await server.close();
    const [file] = await readdir(logDir);
    const lines = (await readFile(joinPath(logDir, file!), 'utf8')).split('\n').slice(1, -2);
    assert.equal(lines.length, 3, `Between the start and the end, the log should have the two messages and one line for the edit:\n${lines.join('\n')}`);
    assert.match(lines[0]!, / <user> Where is order #1042\?$/, 'The original message\'s line must stay as it was: the log only grows.');
    assert.match(lines[1]!, / <agent> Let me look\.$/);
    assert.match(lines[2]!, / \* user edited #2: Where is order #1043\?$/, `The edit's line should read "… * user edited #2: Where is order #1043?", not:\n${lines[2]}`);
  });

  it('a window that opens later gets the message, then its edit, in its welcome', async (t) => {
    const { user, session, join } = await conversation(t);
    user.send({ type: 'edit', session, seq: 2, text: 'Where is order #1043?' });
    await settle(user);
    const late = await join('role=agent');
    const welcome = await late.next('welcome');
    const entries = welcome.entries as unknown as AnyFrame[];
    const shape = entries.map((entry) => `${entry.seq} ${entry.kind}`).join(', ');
    assert.ok(
      shape === '1 start, 2 message, 3 message, 4 edit',
      `A new window should be welcomed with the whole session in order, the edit last (1 start, 2 message, 3 message, 4 edit); it got ${shape}.`,
    );
  });

  it('in the page, Edit on your own message changes it in place in both windows, and a reload shows it the same way', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const { url } = await startLab(t);
    const [user, agent] = [await browser.newPage(), await browser.newPage()];
    await user.goto(new URL('/user', url).href);
    await agent.goto(new URL('/agent', url).href);
    await user.getByText('The agent is online.').waitFor();
    await user.getByLabel('Message').fill('Where is order #1042?');
    await user.getByLabel('Message').press('Enter');
    await agent.getByText('Where is order #1042?').waitFor();
    await agent.getByLabel('Message').fill('Let me look.');
    await agent.getByLabel('Message').press('Enter');
    await user.getByText('Let me look.').waitFor();

    const mine = user.locator('.message.from-user', { hasText: '#1042' });
    const edit = mine.getByRole('button', { name: 'Edit' });
    await shows(edit, 'Your own message has no Edit button.');
    assert.equal(await agent.locator('.message.from-user').getByRole('button', { name: 'Edit' }).count(), 0, 'The agent window shows an Edit button on the user\'s message: only your own messages can be edited.');
    await edit.click();
    assert.equal(await user.getByLabel('Message').inputValue(), 'Where is order #1042?', 'Edit should put the message\'s text in the box.');
    await user.getByLabel('Message').fill('Where is order #1043?');
    await user.getByLabel('Message').press('Enter');

    for (const [name, page] of [['agent', agent], ['user', user], ['reloaded agent', agent]] as const) {
      if (name === 'reloaded agent') await page.reload();
      const edited = page.locator('.message', { hasText: '#1043' });
      await shows(edited, `The ${name} window does not show the edited text "Where is order #1043?".`);
      const items = page.locator('.message');
      assert.equal(await items.count(), 2, `The ${name} window shows ${await items.count()} messages instead of 2: an edit changes a message in place, it adds no line.`);
      assert.match(await items.nth(0).innerText(), /#1043/, `In the ${name} window, the edited message is no longer first: it must keep its place.`);
      assert.match(await items.nth(0).innerText(), /\(edited\)/, `In the ${name} window, the edited message is not marked "(edited)".`);
      assert.equal(await page.getByText('#1042').count(), 0, `The ${name} window still shows the old text.`);
    }
  });
});
