import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { spawnLab } from './lab-process.ts';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startServer } from '../server/server.ts';

/**
 * What a student sees, in real headless Chromium: three people, each in their own browser context
 * (their own cookies), against a real lab server on a free port with temporary DATA_DIR and LOG_DIR.
 * Shared by `browser.test.ts` and `browser-lan.test.ts`.
 */

export const PASSWORD = 'correct horse battery';
/** How long any one wait on the page may take: far more than a loopback round trip needs. */
export const WAIT_MS = 10_000;

/** The lab server in this process, on a free port; closed when the test ends (or earlier, once). */
export async function start(t: TestContext, { gate = 0 } = {}) {
  const dir = await tempDir(t, 'lab04-browser');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.close());
  t.after(close);
  return { server, origin: `http://127.0.0.1:${server.port}`, close };
}

/** The real server as `npm run lab:04` starts it, in a child process we can SIGKILL. */
export async function spawnServer(t: TestContext) {
  const dir = await tempDir(t, 'lab04-browser-child');
  const { process: child, url } = await spawnLab(t, join(dir, 'data'), join(dir, 'logs'));
  return { child, origin: url };
}

export interface Person {
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
export async function visit(browser: Browser, origin: string, login: string, options: BrowserContextOptions = {}, { media = true } = {}): Promise<Person> {
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
export async function fillRegistration(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('First name').fill(login[0]!.toUpperCase() + login.slice(1));
  await page.getByLabel('Last name').fill('Student');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Age', { exact: true }).fill('21');
  await page.getByLabel('Gender').selectOption('prefer not to say');
}

/** Registers through the UI and waits until the chat says "Online as <login>". */
export async function register(browser: Browser, origin: string, login: string, options: BrowserContextOptions = {}, grants = { media: true }): Promise<Person> {
  const person = await visit(browser, origin, login, options, grants);
  const { page } = person;
  await page.getByRole('button', { name: 'Register' }).click();
  await fillRegistration(page, login, PASSWORD);
  await page.getByRole('button', { name: 'Register' }).click();
  await online(page, login);
  return person;
}

export const online = (page: Page, login: string) => page.getByRole('status').filter({ hasText: `Online as ${login}` }).waitFor();

/** Types a line in the room's message box and presses Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until the page shows `room` as its current room (the h1 is "Chat Lab 04 · room", just "room" on a phone). */
export const inRoom = (page: Page, room: string) => page.getByRole('heading', { level: 1, name: new RegExp(`(^|· )${room}$`) }).waitFor();

export const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
/** Waits until the room's message list shows a line containing `text`. */
export const sees = (page: Page, text: string) => messages(page).filter({ hasText: text }).waitFor();
export const roomButton = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** The lines of a private conversation with `peer`, as the page shows them. */
export const privateLines = (page: Page, peer: string) => page.getByRole('list', { name: `Private messages with ${peer}` }).getByRole('listitem');
export async function sendPrivate(page: Page, to: string, text: string): Promise<void> {
  const box = page.getByLabel(`Private message to ${to}`, { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until `to` shows `text` from `from`; if it never does, the failure quotes what `from`'s page said. */
export async function receivesPrivately(to: Person, from: Person, text: string): Promise<void> {
  try {
    await privateLines(to.page, from.login).filter({ hasText: text }).waitFor();
  } catch (error) {
    const said = (await from.page.getByRole('alert').allInnerTexts()).join(' / ') || 'nothing';
    throw new Error(`${to.login} never got "${text}"; ${from.login}'s page says: ${said}`, { cause: error });
  }
}

export function assertNoPageErrors(...people: Person[]): void {
  for (const { login, errors } of people) assert.deepEqual(errors, [], `no uncaught error on ${login}'s page`);
}

/** The visible controls (shadow roots included) that have no accessible name, e.g. "1 of 9 buttons". */
export async function unnamedControls(page: Page): Promise<string[]> {
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
export const CUT_OFF_CONTROLS = `(() => {
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
