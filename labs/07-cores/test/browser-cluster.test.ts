import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import type { Page } from 'playwright-core';
import { buildClientIfStale } from '../server/client-build.ts';
import { spawnLab } from './lab-process.ts';
import { TestClient, signUp } from './ws-client.ts';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 10_000;

/** Registers `login` through the page, and waits until it says "Online as <login>". */
async function register(page: Page, login: string): Promise<void> {
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Student');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Age', { exact: true }).fill('21');
  await page.getByLabel('Gender').selectOption('prefer not to say');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('status').filter({ hasText: `Online as ${login}` }).waitFor();
}

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
const sees = (page: Page, text: string) => messages(page).filter({ hasText: text }).waitFor();

describe('07 cores: a browser on a worker that dies', () => {
  before(async () => {
    await buildClientIfStale();
  });

  it('reconnects to a live worker by itself, and shows every message once, in order, across the crash', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const dir = await tempDir(t, 'lab07-browser-cluster');
    const server = await spawnLab(t, join(dir, 'data'), join(dir, 'logs'), { RATE_LIMIT: '1000' });
    const context = await browser.newContext();
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The page cannot read its WebSocket's handshake; Chromium's DevTools protocol can.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const HANDSHAKE = 'Network.webSocketHandshakeResponseReceived';
    const workers: string[] = [];
    cdp.on(HANDSHAKE, ({ response }) => workers.push(String(response.headers['X-Worker'] ?? response.headers['x-worker'])));
    /** Resolves once the page has opened `count` WebSockets in all. */
    const handshakes = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => workers.length >= count && (cdp.off(HANDSHAKE, check), resolve());
        cdp.on(HANDSHAKE, check);
        check();
      });
    await page.goto(`${server.url}/`);
    await register(page, 'ada');
    await handshakes(1);
    const adaWorker = workers.at(-1)!;
    assert.match(adaWorker, /^\d+ \(pid \d+\)$/);

    const cookie = await signUp(`${server.url}/`, 'bob');
    let bob = await TestClient.connect(`${server.url}/`, cookie);
    for (let tries = 0; bob.worker === adaWorker; tries++) {
      assert.ok(tries < 5, 'bob gets a connection on the other worker');
      bob = await TestClient.connect(`${server.url}/`, cookie); // replaces the previous one, like a new tab
    }
    await bob.next('joined');
    for (let i = 0; i < 10; i++) bob.send({ type: 'send', text: `line ${String(i).padStart(2, '0')}` });
    await sees(page, 'line 09');

    process.kill(Number(/pid (\d+)/.exec(adaWorker)![1]), 'SIGKILL');
    for (let i = 10; i < 30; i++) bob.send({ type: 'send', text: `line ${String(i).padStart(2, '0')}` });
    await handshakes(2);
    assert.notEqual(workers.at(-1), adaWorker, 'the page reconnected, to a live worker');
    await sees(page, 'line 29');

    const shown = (await messages(page).allTextContents()).flatMap((text) => /line \d\d/.exec(text) ?? []);
    assert.deepEqual(shown, Array.from({ length: 30 }, (_, i) => `line ${String(i).padStart(2, '0')}`), 'every line once, in order');
    assert.equal(bob.socket.readyState, bob.socket.OPEN, 'bob, on the other worker, never noticed');
    assert.deepEqual(errors, []);
  });
});
