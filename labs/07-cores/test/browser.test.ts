import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { buildClientIfStale } from '../server/client-build.ts';
import { PASSWORD, start, spawnServer, visit, fillRegistration, register, online, say, inRoom, messages, sees, roomButton, privateLines, sendPrivate, assertNoPageErrors, unnamedControls, CUT_OFF_CONTROLS } from './browser-people.ts';

describe('07 cores: browser', () => {
  before(async () => {
    await buildClientIfStale();
  });

  it('the log-in page loads with no error in the console: not being logged in yet is no error', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await visit(browser, origin, 'ada');
    await ada.page.getByRole('heading', { name: 'Chat Lab 07 · Log in' }).waitFor();
    assert.deepEqual(ada.consoleErrors, [], 'no error in the console');
    assertNoPageErrors(ada);
  });

  it('registration errors show beside their field and register nobody; then register, log out, and log in again', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { server, origin } = await start(t);
    const ada = await visit(browser, origin, 'ada');
    const { page } = ada;

    await page.getByRole('button', { name: 'Register' }).click();
    await fillRegistration(page, 'ab', 'short');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please check the fields marked above.' }).waitFor();
    // Each error is inside its field's label, so it is part of that field's accessible name.
    assert.equal(await page.getByLabel(/Login must be 3 to 32/).inputValue(), 'ab');
    assert.equal(await page.getByLabel(/Password must be at least 8 characters/).inputValue(), 'short');
    assert.equal(await page.getByText(/(First name|Last name|Age|Gender) must/).count(), 0, 'no error beside the valid fields');
    assert.deepEqual(server.accounts.list(), [], 'nobody registered');

    await page.getByLabel('Login').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Register' }).click();
    await online(page, 'ada');
    await inRoom(page, 'lobby');
    assert.deepEqual(server.accounts.list().map((account) => account.login), ['ada']);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Chat Lab 07 · Log in' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'You logged out.' }).waitFor();
    await page.getByLabel('Login').fill('ada');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong login or password.' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await online(page, 'ada');
    await inRoom(page, 'lobby');
    assertNoPageErrors(ada);
  });

  it('the people list follows arrivals and departures by itself, without Refresh', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await register(browser, origin, 'ada');
    const bob = await register(browser, origin, 'bob');
    await ada.page.getByRole('button', { name: 'Message bob privately' }).waitFor();
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await ada.page.getByText('1 online of 2').waitFor();
    assertNoPageErrors(ada, bob);
  });

  it('rooms: create (button and #cR), live counts, enter (list and #gR), #lR, leave (#eR and Leave), delete', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await register(browser, origin, 'ada');
    const bob = await register(browser, origin, 'bob');
    const cat = await register(browser, origin, 'cat');

    // ada creates "games" with the form, bob creates "chess" by typing #cR.
    await ada.page.getByLabel('New room name').fill('games');
    await ada.page.getByRole('button', { name: 'Create' }).click();
    await inRoom(ada.page, 'games');
    await roomButton(ada.page, 'games, 1 person, you are here').waitFor();
    assert.equal(await ada.page.locator('li[aria-current="true"]').count(), 1, 'one room is marked as the current one');
    await say(bob.page, '#cR chess');
    await inRoom(bob.page, 'chess');

    // cat, still in the lobby, sees both rooms with their live counts, and the lobby marked.
    await roomButton(cat.page, 'Go to games, 1 person').waitFor();
    await roomButton(cat.page, 'Go to chess, 1 person').waitFor();
    await roomButton(cat.page, 'lobby, 1 person, you are here').waitFor();

    // cat enters games from the room list; bob enters it with #gR.
    await roomButton(cat.page, 'Go to games, 1 person').click();
    await inRoom(cat.page, 'games');
    await roomButton(ada.page, 'games, 2 people, you are here').waitFor();
    await say(bob.page, '#gR games');
    await inRoom(bob.page, 'games');
    await roomButton(ada.page, 'games, 3 people, you are here').waitFor();
    await roomButton(ada.page, 'Go to chess, 0 people').waitFor();

    // #lR: the rooms are listed, the page keeps working.
    await say(cat.page, '#lR');
    await say(cat.page, 'still here after #lR');
    await sees(ada.page, 'still here after #lR');
    await roomButton(cat.page, 'games, 3 people, you are here').waitFor();
    await roomButton(cat.page, 'Go to lobby, 0 people').waitFor();
    await online(cat.page, 'cat');

    // bob may not delete ada's room: the error line is his alone.
    await say(bob.page, '#dR games');
    await bob.page.getByRole('alert').filter({ hasText: 'You cannot delete games: only its creator, ada, can.' }).waitFor();

    // Leaving: bob with #eR, ada (the creator) with the Leave button; the room lives on.
    await say(bob.page, '#eR');
    await inRoom(bob.page, 'lobby');
    await ada.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await inRoom(ada.page, 'lobby');
    await roomButton(ada.page, 'Go to games, 1 person').waitFor();

    // ada deletes games from the list: cat, its last member, is back in the lobby; the room is gone for all.
    await ada.page.getByRole('button', { name: 'Delete room games' }).click();
    await inRoom(cat.page, 'lobby');
    await roomButton(cat.page, 'lobby, 3 people, you are here').waitFor();
    for (const { page } of [ada, bob, cat]) await page.getByRole('button', { name: /games/ }).waitFor({ state: 'detached' });
    for (const { page } of [ada, cat]) assert.equal(await page.getByText('You cannot delete').count(), 0, "bob's error is shown only to bob");
    assertNoPageErrors(ada, bob, cat);
  });

  it('logins and room names in any alphabet: ação creates sala-ñ, bob goes to SALA-Ñ, and both see a message', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const acao = await register(browser, origin, 'ação');
    const bob = await register(browser, origin, 'bob');
    const field = acao.page.getByLabel('New room name');
    const valid = async (name: string) => {
      await field.fill(name);
      return field.evaluate((input) => (input as unknown as { validity: { valid: boolean } }).validity.valid);
    };
    const names = ['sala-ñ', 'ação', 'ñ'.repeat(32), 'sala ñ', 'a.b', '😀', 'sala\u200dx'];
    const verdicts = [];
    for (const name of names) verdicts.push(await valid(name));
    assert.deepEqual(verdicts, [true, true, true, false, false, false, false], 'the form checks a room name as the server does');
    await field.fill('');
    await say(acao.page, '#cR sala-ñ');
    await inRoom(acao.page, 'sala-ñ');
    await say(bob.page, '#gR SALA-Ñ');
    await inRoom(bob.page, 'sala-ñ');
    await say(bob.page, 'olá, ação!');
    await sees(bob.page, 'olá, ação!');
    await sees(acao.page, 'olá, ação!');
    assertNoPageErrors(acao, bob);
  });

  it('the members of a deleted room are told why they are back in the lobby', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await register(browser, origin, 'ada');
    const cat = await register(browser, origin, 'cat');
    await say(ada.page, '#cR games');
    await inRoom(ada.page, 'games');
    await say(cat.page, '#gR games');
    await inRoom(cat.page, 'games');
    await ada.page.getByRole('button', { name: 'Delete room games' }).click();
    await inRoom(cat.page, 'lobby');
    // Anything the server told cat about the deletion came before ada's next lobby message.
    await say(ada.page, 'games is closed, sorry');
    await sees(cat.page, 'games is closed, sorry');
    assert.ok(await cat.page.getByText('Room games was deleted').isVisible(), 'cat sees why they are back in the lobby');
  });

  it('a message in a room is seen by its members only', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await register(browser, origin, 'ada');
    const bob = await register(browser, origin, 'bob');
    const cat = await register(browser, origin, 'cat');
    await say(ada.page, '#cR study');
    await inRoom(ada.page, 'study');
    await roomButton(bob.page, 'Go to study, 1 person').click();
    await inRoom(bob.page, 'study');

    await say(ada.page, 'for study only: the answer is 42');
    await sees(ada.page, 'for study only: the answer is 42');
    await sees(bob.page, 'for study only: the answer is 42');
    // cat's own lobby message comes back after anything the server sent cat before it.
    await say(cat.page, 'lobby: is anyone around?');
    await sees(cat.page, 'lobby: is anyone around?');
    assert.equal(await cat.page.getByText('the answer is 42').count(), 0, 'not shown to cat');
    assert.equal(cat.frames.filter((frame) => frame.includes('the answer is 42')).length, 0, 'not even sent to cat');
    await say(bob.page, 'study again');
    await sees(ada.page, 'study again');
    for (const { page } of [ada, bob]) assert.equal(await page.getByText('is anyone around?').count(), 0, 'the lobby stays in the lobby');
    assertNoPageErrors(ada, bob, cat);
  });

  it('the gate with -n 3: nobody sees a message until the third person is here; then all see all, in one order', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t, { gate: 3 });
    const ann = await register(browser, origin, 'ann');
    await ann.page.getByRole('status').filter({ hasText: '1 of 3 here: waiting for 2 more.' }).waitFor();
    const ben = await register(browser, origin, 'ben');
    for (const { page } of [ann, ben]) await page.getByRole('status').filter({ hasText: '2 of 3 here: waiting for 1 more.' }).waitFor();

    await say(ann.page, 'one');
    await say(ben.page, 'two');
    await say(ann.page, 'three');
    // #eR in the lobby answers with an info line: once it shows, the messages before it were received.
    for (const [{ login, page }, own] of [[ann, ['one', 'three']], [ben, ['two']]] as const) {
      await say(page, '#eR');
      await page.getByRole('status').filter({ hasText: 'You are in the lobby already' }).waitFor();
      const shown = await messages(page).allTextContents();
      assert.deepEqual(shown, own.map((text) => `${login}${text}held until the gate opens`), 'only their own messages are shown, marked held');
    }

    const cat = await register(browser, origin, 'cat');
    await say(cat.page, 'four');
    const everyone = [ann, ben, cat];
    for (const { page } of everyone) {
      await sees(page, 'four');
      assert.equal(await page.getByText(/\d of 3 here: waiting/).count(), 0, 'the gate line is gone');
    }
    const seen = await Promise.all(everyone.map(({ page }) => messages(page).allTextContents()));
    assert.deepEqual(seen[1], seen[0], 'ann and ben see the same lines in the same order');
    assert.deepEqual(seen[2], seen[0], 'ann and cat see the same lines in the same order');
    const said = seen[0]!.map((line) => line.replace(/^\d\d:\d\d:\d\d/, '')).filter((line) => !line.endsWith('joined'));
    // ann's and ben's lines reach the server on two sockets: only each person's own order is certain.
    assert.deepEqual([...said].sort(), ['annone', 'annthree', 'bentwo', 'catfour'], 'every message, once');
    assert.deepEqual(said.filter((line) => line.startsWith('ann')), ['annone', 'annthree'], "ann's in the order she sent them");
    assert.equal(said.at(-1), 'catfour', 'what was said after the gate opened comes after what it held');
    assert.equal(seen[0]![0]!.replace(/^\d\d:\d\d:\d\d/, ''), 'ann and ben joined', 'arrivals in a row read as one line');
    assertNoPageErrors(...everyone);
  });

  it('a private message goes peer-to-peer: never in a WebSocket frame, never in the log', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { server, origin, close } = await start(t);
    const ada = await register(browser, origin, 'ada');
    const bob = await register(browser, origin, 'bob');

    await ada.page.getByRole('button', { name: 'Refresh the list of people' }).click(); // the page asks for the people only when told
    await ada.page.getByRole('button', { name: 'Message bob privately' }).click();
    await ada.page.getByRole('heading', { name: /Private with bob/ }).waitFor();
    await sendPrivate(ada.page, 'bob', 'psst: the key is under the mat');
    await privateLines(bob.page, 'ada').filter({ hasText: 'psst: the key is under the mat' }).waitFor();
    for (const { page } of [ada, bob]) await page.getByText('direct link open').waitFor();

    // bob answers by typing the command in the room's message box.
    await say(bob.page, '#\\private ada thanks, secret received');
    await privateLines(ada.page, 'bob').filter({ hasText: 'thanks, secret received' }).waitFor();

    const burst = Array.from({ length: 8 }, (_, i) => `secret burst ${i + 1}`);
    for (const text of burst) await sendPrivate(ada.page, 'bob', text);
    await privateLines(bob.page, 'ada').filter({ hasText: 'secret burst 8' }).waitFor();
    const lines = (await privateLines(bob.page, 'ada').allTextContents()).map((line) => line.replace(/^\d\d:\d\d:\d\d/, ''));
    assert.deepEqual(lines, ['adapsst: the key is under the mat', 'youthanks, secret received', ...burst.map((text) => `ada${text}`)], 'in the order sent');

    const secrets = ['the key is under the mat', 'secret received', 'secret burst'];
    const frames = [...ada.frames, ...bob.frames];
    assert.ok(frames.some((frame) => frame.includes('"type":"signal"')), 'the server relayed the signaling');
    assert.ok(!frames.some((frame) => frame.includes('"code":"bad-signal"')), 'the server relayed every signal a real browser sent');
    const asks = ada.frames.filter((frame) => frame.includes('"command":{"name":"users"')).length;
    assert.ok(asks >= 2 && asks <= 3, `ada asked for the people on arrival, on Refresh, and at most once more, after bob came: ${asks} times`);
    assert.deepEqual(frames.filter((frame) => secrets.some((secret) => frame.includes(secret))), [], 'no WebSocket frame carries a private text');
    const logPath = await server.logPath;
    await close();
    const log = await readFile(logPath, 'utf8');
    assert.match(log, /ada joined/, 'the log is the one of this run');
    for (const secret of secrets) assert.ok(!log.includes(secret), `the log does not contain "${secret}"`);
    assertNoPageErrors(ada, bob);
  });

  it('a private message to someone offline or unknown: the panel closes at once and the notice says why', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await register(browser, origin, 'ada');
    const bob = await register(browser, origin, 'bob');
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await sees(ada.page, 'bob came and went');

    for (const who of ['bob', 'zed']) {
      await say(ada.page, `#\\private ${who} are you there?`);
      // Not the 5 s timeout's sentence ("Could not reach…"): the server's refusal, as soon as it comes.
      await ada.page.getByRole('alert').filter({ hasText: `${who} is not online. The message was not sent.` }).waitFor();
      assert.equal(await ada.page.getByRole('heading', { name: /Private with/ }).count(), 0, `no panel left waiting for ${who}`);
      await ada.page.getByText('Private messages go straight to the other browser').waitFor();
    }
    assertNoPageErrors(ada, bob);
  });

  it('private messages still arrive after the server process is killed', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { child, origin } = await spawnServer(t);
    const ada = await register(browser, origin, 'ada');
    const bob = await register(browser, origin, 'bob');
    await ada.page.getByRole('button', { name: 'Refresh the list of people' }).click(); // the page asks for the people only when told
    await ada.page.getByRole('button', { name: 'Message bob privately' }).click();
    await sendPrivate(ada.page, 'bob', 'before the crash');
    await privateLines(bob.page, 'ada').filter({ hasText: 'before the crash' }).waitFor();
    for (const { page } of [ada, bob]) await page.getByText('direct link open').waitFor();

    child.kill('SIGKILL');
    await once(child, 'exit');
    for (const { page } of [ada, bob]) await page.getByRole('status').filter({ hasText: 'Connection lost' }).waitFor();

    await sendPrivate(ada.page, 'bob', 'after the crash, ada to bob');
    await privateLines(bob.page, 'ada').filter({ hasText: 'after the crash, ada to bob' }).waitFor();
    await sendPrivate(bob.page, 'ada', 'after the crash, bob to ada');
    await privateLines(ada.page, 'bob').filter({ hasText: 'after the crash, bob to ada' }).waitFor();
    assertNoPageErrors(ada, bob);
  });

  it('nothing is cut off, from a phone to a wide screen: every button and field of a room creator lies inside the window and its scroll box', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const ada = await register(browser, origin, 'ada', { viewport: { width: 1280, height: 800 } });
    const bob = await register(browser, origin, 'bob');
    const { page } = ada;
    const room = 'a_room_name_of_the_longest_kind_'; // 32 characters, the most a room name may have
    await page.getByLabel('New room name').fill(room);
    await page.getByRole('button', { name: 'Create' }).click();
    await inRoom(page, room);
    await page.getByRole('button', { name: `Delete room ${room}` }).waitFor();
    await page.getByRole('button', { name: 'Refresh the list of people' }).click(); // the page asks for the people only when told
    await page.getByRole('button', { name: 'Message bob privately' }).click();
    await page.getByLabel('Private message to bob', { exact: true }).waitFor();

    const drawer = page.getByRole('button', { name: 'Rooms & people' });
    for (const [width, height] of [[1280, 800], [1920, 1080], [768, 1024], [320, 640]] as const) {
      await page.setViewportSize({ width, height });
      if (await drawer.isVisible()) {
        if ((await drawer.getAttribute('aria-expanded')) === 'false') await drawer.click();
        await page.getByRole('heading', { name: 'Rooms', exact: true }).waitFor();
      }
      await page.getByRole('button', { name: 'Message bob privately' }).waitFor();
      assert.deepEqual(await page.evaluate<string[]>(CUT_OFF_CONTROLS), [], `nothing is cut off at ${width}x${height}`);
    }
    assertNoPageErrors(ada, bob);
  });

  it('on a phone: rooms and people in a drawer, nothing scrolls sideways, every control is named', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const { origin } = await start(t);
    const dir = await tempDir(t, 'lab07-screenshot');
    const phone = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
    const ada = await register(browser, origin, 'ada', phone);
    const bob = await register(browser, origin, 'bob');
    const { page } = ada;
    const scrollWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');

    await sees(page, 'bob joined');
    const drawer = page.getByRole('button', { name: 'Rooms & people' });
    assert.equal(await page.getByRole('heading', { name: 'Rooms', exact: true }).isVisible(), false, 'the room list waits in the drawer');
    assert.equal(await drawer.getAttribute('aria-expanded'), 'false');
    await drawer.tap();
    await page.getByRole('heading', { name: 'Rooms', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
    assert.equal(await drawer.getAttribute('aria-expanded'), 'true');
    assert.ok((await scrollWidth()) <= 375, 'nothing scrolls sideways with the drawer open');
    assert.deepEqual(await unnamedControls(page), [], 'every control in the drawer has a name');

    await page.getByRole('button', { name: 'Refresh the list of people' }).tap(); // the page asks for the people only when told
    await page.getByRole('button', { name: 'Message bob privately' }).tap();
    await page.getByRole('heading', { name: 'People', exact: true }).waitFor({ state: 'hidden' });
    await sendPrivate(page, 'bob', 'hello from my phone');
    await privateLines(bob.page, 'ada').filter({ hasText: 'hello from my phone' }).waitFor();
    await say(page, 'a long line that must wrap on a phone instead of pushing the page sideways: https://example.org/a/very/long/path/without/any/spaces/at/all');
    await sees(page, 'a long line that must wrap');
    assert.ok((await scrollWidth()) <= 375, `nothing scrolls sideways (scrollWidth ${await scrollWidth()})`);
    assert.deepEqual(await unnamedControls(page), [], 'every control on the chat screen has a name');
    for (const name of ['Rooms & people', 'Log out', 'Send']) await page.getByRole('button', { name, exact: true }).first().waitFor();
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.getByLabel('Private message to bob', { exact: true }).waitFor();

    const path = join(dir, 'phone.png');
    await page.screenshot({ path });
    const png = await readFile(path);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [750, 1334], '375x667 at 2x');
    assertNoPageErrors(ada, bob);
  });
});
