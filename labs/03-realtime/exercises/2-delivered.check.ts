import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openBrowser } from '@chat-lab/test-support';
import { TestClient } from '../test/ws-client.ts';
import { describeFrames, entriesOf, framesOf, settle, shows, startLab } from './support.ts';

describe('03 realtime exercise 2: "delivered" ticks', () => {
  it('the entry of a message sent with an id carries that id, in every window', async (t) => {
    const { join } = await startLab(t);
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    user.send({ type: 'send', text: 'Hi!', id: 'k3x9-7' });
    user.send({ type: 'send', text: 'no id here' });
    await settle(user, agent);
    for (const [name, client] of [['user', user], ['agent', agent]] as const) {
      const hi = entriesOf(client).find((entry) => entry.text === 'Hi!');
      assert.ok(hi, `The ${name} window never got the message sent with an id. It got:\n  ${describeFrames(framesOf(client).slice(1))}`);
      assert.ok(hi.id === 'k3x9-7', `The ${name} window got the entry for {"type":"send","text":"Hi!","id":"k3x9-7"} without "id":"k3x9-7": copy the id into the entry.`);
    }
    const plain = entriesOf(user).find((entry) => entry.text === 'no id here');
    assert.ok(plain, 'A send without an id must still be delivered.');
    assert.equal(plain.id, undefined, 'A send without an id gets an entry without one.');
  });

  it('an id that is not 1 to 64 letters, digits, - or _ is refused with bad-message, and nothing is sent', async (t) => {
    const { join } = await startLab(t);
    const user = await join('role=user');
    for (const id of [42, '', 'x'.repeat(65), 'two words', '<b>']) {
      const before = framesOf(user).length;
      user.send({ type: 'send', text: 'hello', id });
      await settle(user);
      const answer = framesOf(user).slice(before);
      assert.ok(
        answer.some((frame) => frame.type === 'error' && frame.code === 'bad-message'),
        `{"type":"send","text":"hello","id":${JSON.stringify(id)}} should get an error frame with code bad-message. It got:\n  ${describeFrames(answer)}`,
      );
      assert.ok(!answer.some((frame) => frame.type === 'entry'), `The message with id ${JSON.stringify(id)} was delivered anyway: refuse it whole.`);
    }
  });

  it('a window that drops right after sending finds the id in its replay, so the tick still comes', async (t) => {
    const { url, join } = await startLab(t);
    const [user, agent] = [await join('role=user'), await join('role=agent')];
    user.send({ type: 'send', text: 'first', id: 'p-1' });
    await settle(user);
    const first = entriesOf(user).at(-1)!;
    user.send({ type: 'send', text: 'lost tick', id: 'p-2' });
    await user.close();
    await agent.entries(3);
    const back = await TestClient.connect(url, `role=user&session=${first.session}&after=${first.seq}`);
    t.after(() => back.close());
    const welcome = await back.next('welcome');
    const replayed = welcome.entries.find((entry) => entry.text === 'lost tick') as { id?: string } | undefined;
    assert.ok(replayed, 'The reconnecting window should find "lost tick" in its welcome.');
    assert.ok(replayed.id === 'p-2', 'The replayed entry has lost its id: keep it in the entry, so the history keeps it too.');
  });

  it('in the page, your message shows at once with "sending…", then ✓ when its entry is back, and only once', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const { url } = await startLab(t);
    const page = await browser.newPage();
    let holding = false;
    const held: string[] = [];
    const release = () => {
      holding = false;
      return held.splice(0);
    };
    let toPage: ((message: string) => void) | undefined;
    await page.routeWebSocket(/\/ws\b/, (socket) => {
      const server = socket.connectToServer();
      toPage = (message) => socket.send(message);
      server.onMessage((message) => {
        if (holding && typeof message === 'string' && JSON.parse(message).type === 'entry') held.push(message);
        else socket.send(message);
      });
    });
    await page.goto(new URL('/user', url).href);
    await page.getByText('Connected.').waitFor();

    holding = true;
    await page.getByLabel('Message').fill('Is my order here?');
    await page.getByLabel('Message').press('Enter');
    const mine = page.locator('.message.from-user', { hasText: 'Is my order here?' });
    await shows(mine, 'Your message did not appear until the server sent its entry back: show it at once, with "sending…".');
    await shows(mine.filter({ hasText: 'sending…' }), 'Your message shows, but not with "sending…" while its entry has not come back.');
    assert.equal(await mine.filter({ hasText: '✓' }).count(), 0, 'Your message shows ✓ before its entry came back: ✓ means the server has it.');

    for (const message of release()) toPage!(message);
    await shows(mine.filter({ hasText: '✓' }), 'The entry came back, but your message does not show ✓.');
    assert.equal(await mine.count(), 1, 'Your message shows twice: replace the "sending…" line with the entry, do not add a second one.');
    assert.equal(await mine.filter({ hasText: 'sending…' }).count(), 0, 'Your message still says "sending…" after its entry came back.');

    await page.reload();
    await shows(mine, 'After a reload, your message should come back from the server.');
    await shows(mine.filter({ hasText: '✓' }), 'After a reload, your own message should show ✓: it came from the server.');
    assert.equal(await mine.count(), 1, 'After a reload, your message shows more than once.');
  });
});
