import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { buildClientIfStale } from '../server/client-build.ts';
import { startServer } from '../server/server.ts';
import { LineClient } from './tcp-client.ts';
import { signUp } from './ws-client.ts';

/**
 * A person in real headless Chromium and a person on a terminal (a raw TCP client, as `nc` is),
 * in one room of one server. A file of its own: `browser.test.ts` is lab 05's, and each test file
 * has its own time budget.
 */

const PASSWORD = 'correct horse battery';
const WAIT_MS = 10_000;

describe('07 cores: a browser and a terminal', () => {
  before(async () => {
    await buildClientIfStale();
  });

  it('chat in one room, in one order; a private message to the terminal is refused with a reason', async (t) => {
    const browser = await openBrowser(t, { webrtc: true });
    if (!browser) return;
    const dir = await tempDir(t, 'lab07-browser-terminal');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0 });
    t.after(() => server.close());
    const origin = `http://127.0.0.1:${server.port}`;

    const context = await browser.newContext();
    context.setDefaultTimeout(WAIT_MS);
    await context.grantPermissions(['camera', 'microphone'], { origin });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Student');
    await page.getByLabel('Login').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Age', { exact: true }).fill('21');
    await page.getByLabel('Gender').selectOption('prefer not to say');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').filter({ hasText: 'Online as ada' }).waitFor();

    await signUp(origin, 'bob', PASSWORD);
    const bob = await LineClient.logIn(server.tcpPort, 'bob', PASSWORD);
    t.after(() => bob.socket.destroy());
    const messages = page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await messages.filter({ hasText: 'bob joined' }).waitFor();

    bob.send('hello from a terminal');
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('hello from a browser');
    await box.press('Enter');
    for (const text of ['hello from a browser', 'hello from a terminal']) await messages.filter({ hasText: text }).waitFor();
    for (let i = 0; i < 2; i++) await bob.next(/<\w+> hello from/); // both, in whichever order they came
    const shown = (await messages.allTextContents()).filter((text) => text.includes('hello from')).map((text) => text.replace(/^[\d:]+/, ''));
    const typed = bob.all(/<\w+> hello from/).map((line) => line.replace(/^.*<(\w+)> /, '$1'));
    assert.deepEqual(shown, typed, 'the same order on both');

    await page.getByRole('button', { name: 'Refresh the list of people' }).click(); // the page asks for the people only when told
    await page.getByRole('button', { name: 'Private' }).click();
    const privateBox = page.getByLabel('Private message to bob', { exact: true });
    await privateBox.fill('psst');
    await privateBox.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'bob is on a terminal: private messages need both of you in a browser.' }).waitFor();
    assert.deepEqual(errors, [], "no uncaught error on ada's page");
  });
});
