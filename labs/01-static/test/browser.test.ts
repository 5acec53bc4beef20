import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { messageLine } from '../server/core/log-format.ts';
import { startServer } from '../server/server.ts';

describe('01 static: browser', () => {
  it('two windows, two logs: a message sent as user never shows on the agent page', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: await tempDir(t, 'lab01-browser') });
    t.after(() => server.close());

    const home = await browser.newPage();
    await home.goto(server.urls[0]!);
    const [user] = await Promise.all([home.waitForEvent('popup'), home.getByRole('link', { name: 'Open the user window' }).click()]);
    const [agent] = await Promise.all([home.waitForEvent('popup'), home.getByRole('link', { name: 'Open the agent window' }).click()]);
    await user.waitForLoadState();
    assert.match(user.url(), /\/user$/);
    assert.match(agent.url(), /\/agent$/);

    await user.getByLabel('Message').fill('<b>Hello</b>, is anyone there?');
    await user.getByRole('button', { name: 'Send' }).click();
    await user.getByText('<b>Hello</b>, is anyone there?').waitFor();
    assert.equal(await user.locator('.messages b', { hasText: 'Hello' }).count(), 0, 'HTML shown as text');

    await agent.getByLabel('Message').fill('Agent here.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await agent.getByText('Agent here.').waitFor();
    await agent.reload();
    assert.equal(await agent.getByText('is anyone there?').count(), 0);
    await user.reload();
    assert.equal(await user.getByText('Agent here.').count(), 0);

    await user.getByRole('button', { name: 'Send' }).click();
    await user.getByRole('alert').filter({ hasText: 'Type a message first' }).waitFor();

    await user.getByRole('button', { name: 'End chat' }).click();
    await user.getByText('user ended the chat').waitFor();
  });

  it('looks like a chat: own messages on the right, the other\'s on the left, short times, a wide message box', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const logDir = await tempDir(t, 'lab01-browser-look');
    // Lab 01 never writes the agent's words into user.log; a log edited by hand can hold them.
    await writeFile(join(logDir, 'user.log'), `${messageLine(new Date(), 'agent', 'Hello from the agent.')}\n`);
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir });
    t.after(() => server.close());

    const user = await browser.newPage();
    await user.goto(new URL('/user', server.urls[0]).href);
    await user.getByLabel('Message').fill('Hi from the user.');
    await user.getByRole('button', { name: 'Send' }).click();
    await user.getByText('Hi from the user.').waitFor();
    await assertLooksLikeChat(user, 'Hi from the user.', 'Hello from the agent.');
  });
});

/**
 * Checks that a window reads as a chat at a laptop's and a phone's width: its own message (`mine`)
 * sits on the right and the other's on the left, the message box is most of the window's width,
 * nothing scrolls sideways, and the conversation shows short times, never a full date.
 */
async function assertLooksLikeChat(page: Page, mine: string, theirs: string) {
  for (const size of [{ width: 1280, height: 800 }, { width: 375, height: 667 }]) {
    await page.setViewportSize(size);
    const own = await page.locator('.message', { hasText: mine }).boundingBox();
    const other = await page.locator('.message', { hasText: theirs }).boundingBox();
    const list = await page.locator('.messages').boundingBox();
    assert.ok(own && other && list);
    assert.ok(own.x + own.width > list.x + list.width - 2 && own.x > other.x, `own message on the right at ${size.width} px`);
    assert.ok(other.x < list.x + 2 && other.x + other.width < own.x + own.width, `other's message on the left at ${size.width} px`);
    const box = await page.getByLabel('Message').boundingBox();
    assert.ok(box && box.width >= 0.6 * size.width, `message box ${box?.width} px wide at ${size.width} px`);
    assert.equal(await page.evaluate('document.documentElement.scrollWidth'), size.width, `no horizontal scroll at ${size.width} px`);
    const shown = await page.locator('.messages').innerText();
    assert.doesNotMatch(shown, /\d{4}-\d{2}-\d{2}/, 'no full date on screen');
    assert.match(shown, /\b\d{2}:\d{2}\b/);
  }
}
