import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { buildLan, type LanOptions } from '@chat-lab/test-support/lan';
import { spawnLab } from './lab-process.ts';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { buildClientIfStale } from '../server/client-build.ts';
import { startServer } from '../server/server.ts';

/**
 * What a student sees, in real headless Chromium: three people, each in their own browser context
 * (their own cookies), against a real lab server on a free port with temporary DATA_DIR and LOG_DIR.
 */

const PASSWORD = 'correct horse battery';
/** How long any one wait on the page may take: far more than a loopback round trip needs. */
const WAIT_MS = 10_000;

/** The lab server in this process, on a free port; closed when the test ends (or earlier, once). */
async function start(t: TestContext, { gate = 0 } = {}) {
  const dir = await tempDir(t, 'lab07-browser');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.close());
  t.after(close);
  return { server, origin: `http://127.0.0.1:${server.port}`, close };
}

/** The real server as `npm run lab:07` starts it, in a child process we can SIGKILL. */
async function spawnServer(t: TestContext) {
  const dir = await tempDir(t, 'lab07-browser-child');
  const { process: child, url } = await spawnLab(t, join(dir, 'data'), join(dir, 'logs'));
  return { child, origin: url };
}

interface Person {
  login: string;
  page: Page;
  /** Every WebSocket frame the page sent or received, as text. */
  frames: string[];
  /** Uncaught errors on the page. */
  errors: string[];
  /** What the page logged as an error in the console, failed requests included (a 401 shows there in red). */
  consoleErrors: string[];
}

/**
 * A person with their own browser context, on the chat's page. On one computer (`media`), the
 * context is granted camera and microphone, so that Chromium offers 127.0.0.1 ICE candidates.
 */
async function visit(browser: Browser, origin: string, login: string, options: BrowserContextOptions = {}, { media = true } = {}): Promise<Person> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(WAIT_MS);
  if (media) await context.grantPermissions(['camera', 'microphone'], { origin });
  const page = await context.newPage();
  const person: Person = { login, page, frames: [], errors: [], consoleErrors: [] };
  page.on('pageerror', (error) => person.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') person.consoleErrors.push(message.text());
  });
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => person.frames.push(String(payload)));
    ws.on('framereceived', ({ payload }) => person.frames.push(String(payload)));
  });
  await page.goto(`${origin}/`);
  return person;
}

/** Fills the register form (the page must show it). */
async function fillRegistration(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('First name').fill(login[0]!.toUpperCase() + login.slice(1));
  await page.getByLabel('Last name').fill('Student');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Age', { exact: true }).fill('21');
  await page.getByLabel('Gender').selectOption('prefer not to say');
}

/** Registers through the UI and waits until the chat says "Online as <login>". */
async function register(browser: Browser, origin: string, login: string, options: BrowserContextOptions = {}, grants = { media: true }): Promise<Person> {
  const person = await visit(browser, origin, login, options, grants);
  const { page } = person;
  await page.getByRole('button', { name: 'Register' }).click();
  await fillRegistration(page, login, PASSWORD);
  await page.getByRole('button', { name: 'Register' }).click();
  await online(page, login);
  return person;
}

const online = (page: Page, login: string) => page.getByRole('status').filter({ hasText: `Online as ${login}` }).waitFor();

/** Types a line in the room's message box and presses Enter. */
async function say(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until the page shows `room` as its current room (the h1 is "Chat Lab 07 · room", just "room" on a phone). */
const inRoom = (page: Page, room: string) => page.getByRole('heading', { level: 1, name: new RegExp(`(^|· )${room}$`) }).waitFor();

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
/** Waits until the room's message list shows a line containing `text`. */
const sees = (page: Page, text: string) => messages(page).filter({ hasText: text }).waitFor();
const roomButton = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** The lines of a private conversation with `peer`, as the page shows them. */
const privateLines = (page: Page, peer: string) => page.getByRole('list', { name: `Private messages with ${peer}` }).getByRole('listitem');
async function sendPrivate(page: Page, to: string, text: string): Promise<void> {
  const box = page.getByLabel(`Private message to ${to}`, { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

function assertNoPageErrors(...people: Person[]): void {
  for (const { login, errors } of people) assert.deepEqual(errors, [], `no uncaught error on ${login}'s page`);
}

/** The visible controls (shadow roots included) that have no accessible name, e.g. "1 of 9 buttons". */
async function unnamedControls(page: Page): Promise<string[]> {
  const unnamed: string[] = [];
  for (const role of ['button', 'textbox', 'combobox', 'spinbutton', 'checkbox'] as const) {
    const all = await page.getByRole(role).count();
    const named = await page.getByRole(role, { name: /\S/ }).count();
    if (named !== all) unnamed.push(`${all - named} of ${all} ${role}s`);
  }
  return unnamed;
}

/**
 * Run in the page: the visible buttons and fields (shadow roots included) that are cut off, as
 * "Delete: 1262..1335 outside 0..1280". A control is cut off when its box is not inside the window
 * and inside every ancestor that clips its overflow, up to the first `position: fixed` one (the
 * phone's drawer escapes its ancestors' clipping). Sideways, nothing may hide at all; up and down,
 * each control is first scrolled into view within its scroll box. A string, not a function: tsx
 * adds helpers to functions that the page does not have.
 */
const CUT_OFF_CONTROLS = `(() => {
  const controls = [];
  const collect = (root) => {
    for (const element of root.querySelectorAll('*')) {
      if (element.matches('button, input, select, textarea') && element.checkVisibility()) controls.push(element);
      if (element.shadowRoot) collect(element.shadowRoot);
    }
  };
  collect(document);
  const clipsOf = (control) => {
    const clips = [{ left: 0, top: 0, right: innerWidth, bottom: innerHeight }];
    for (let at = control; getComputedStyle(at).position !== 'fixed' && (at = at.parentElement ?? at.getRootNode().host); ) {
      const style = getComputedStyle(at);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const box = at.getBoundingClientRect();
      const left = box.left + at.clientLeft, top = box.top + at.clientTop;
      clips.push({ left, top, right: left + at.clientWidth, bottom: top + at.clientHeight });
    }
    return clips;
  };
  const name = (control) => control.getAttribute('aria-label') || control.textContent.trim() || control.placeholder || control.tagName;
  const cut = [];
  for (const control of controls) {
    const box = control.getBoundingClientRect();
    for (const clip of clipsOf(control)) {
      if (box.left < clip.left - 1 || box.right > clip.right + 1) cut.push(name(control) + ': ' + Math.round(box.left) + '..' + Math.round(box.right) + ' outside ' + Math.round(clip.left) + '..' + Math.round(clip.right));
    }
  }
  for (const control of controls) {
    control.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const box = control.getBoundingClientRect();
    for (const clip of clipsOf(control)) {
      if (box.top < clip.top - 1 || box.bottom > clip.bottom + 1) cut.push(name(control) + ': top..bottom ' + Math.round(box.top) + '..' + Math.round(box.bottom) + ' outside ' + Math.round(clip.top) + '..' + Math.round(clip.bottom));
    }
  }
  return cut;
})()`;

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

describe('07 cores: private messages on a classroom LAN', () => {
  before(async () => {
    await buildClientIfStale();
  });

  /**
   * The lab on this machine, and ada and bob on two laptops of `network` (network namespaces and a
   * bridge), each with a Chromium of their own and no camera or microphone granted: Chromium
   * then hides their addresses behind `.local` names, as it does in a real classroom.
   */
  async function classroom(t: TestContext, network: LanOptions, stunPort?: null) {
    const lan = await buildLan(t, network);
    if (!lan) return undefined;
    const dir = await tempDir(t, 'lab07-lan');
    const server = await startServer({ port: 0, host: lan.server, logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0, stunPort });
    t.after(() => server.close());
    const people: Person[] = [];
    for (const [i, login] of ['ada', 'bob'].entries()) {
      const browser = await lan.hosts[i]!.openBrowser(t);
      if (!browser) return undefined;
      people.push(await register(browser, `http://${lan.server}:${server.port}`, login, {}, { media: false }));
    }
    const [ada, bob] = people as [Person, Person];
    await ada.page.getByRole('button', { name: 'Refresh the list of people' }).click(); // the page asks for the people only when told
    await ada.page.getByRole('button', { name: 'Message bob privately' }).click();
    return { ada, bob };
  }

  it("opens the direct link where multicast is filtered: the lab's STUN server tells each browser its address", async (t) => {
    const people = await classroom(t, { multicast: false });
    if (!people) return;
    const { ada, bob } = people;
    const start = performance.now();
    await sendPrivate(ada.page, 'bob', 'found you, across the campus Wi-Fi');
    await privateLines(bob.page, 'ada').filter({ hasText: 'found you, across the campus Wi-Fi' }).waitFor();
    t.diagnostic(`the link opened and the first message arrived ${Math.round(performance.now() - start)} ms after Enter`);
    await bob.page.getByText('Invite someone').click();
    const origin = new URL(bob.page.url()).origin;
    await bob.page.getByRole('img', { name: `QR code of ${origin}/` }).waitFor();
    assert.equal(await ada.page.getByRole('img', { name: /^QR code of / }).count(), 0, 'folded until asked for');
    assert.deepEqual([...ada.frames, ...bob.frames].filter((frame) => frame.includes('campus Wi-Fi')), [], 'no WebSocket frame carries it');
    assertNoPageErrors(ada, bob);
  });

  it('cannot open it on that network without the STUN server, and says so after 5 s', async (t) => {
    const people = await classroom(t, { multicast: false }, null);
    if (!people) return;
    const { ada, bob } = people;
    await sendPrivate(ada.page, 'bob', 'anyone there?');
    await ada.page.getByText('Could not reach bob directly within 5 s').waitFor();
    assert.equal(await privateLines(bob.page, 'ada').count(), 0);
  });

  it('opens it on a LAN with no router too, thanks to the STUN server', async (t) => {
    const people = await classroom(t, { gateway: false });
    if (!people) return;
    const { ada, bob } = people;
    await sendPrivate(ada.page, 'bob', 'no router, no problem');
    await privateLines(bob.page, 'ada').filter({ hasText: 'no router, no problem' }).waitFor();
  });

  it('tells the sender at once, in plain words, when there is neither a router nor the STUN server', async (t) => {
    const people = await classroom(t, { gateway: false }, null);
    if (!people) return;
    const { ada } = people;
    await sendPrivate(ada.page, 'bob', 'hello?');
    await ada.page.getByText(/Your browser found no address to offer bob: this network has no router/).waitFor({ timeout: 4000 });
  });
});
