import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { startServer } from '../server/server.ts';

describe('02 shared log: browser', () => {
  it('a message sent as user shows on the agent page after Send/Refresh, and not before', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: await tempDir(t, 'lab02-browser') });
    t.after(() => server.close());

    const [user, agent] = [await browser.newPage(), await browser.newPage()];
    await user.goto(new URL('/user', server.urls[0]).href);
    await agent.goto(new URL('/agent', server.urls[0]).href);

    await user.getByLabel('Message').fill('<i>Hello</i>, is anyone there?');
    await user.getByRole('button', { name: 'Send/Refresh' }).click();
    await user.getByText('<i>Hello</i>, is anyone there?').waitFor();

    assert.equal(await agent.getByText('is anyone there?').count(), 0, 'no push yet: the agent page is stale');
    await agent.getByRole('button', { name: 'Send/Refresh' }).click();
    await agent.getByText('<i>Hello</i>, is anyone there?').waitFor();
    assert.equal(await agent.locator('.messages i').count(), 0, 'HTML shown as text');

    await agent.getByLabel('Message').fill('Agent here, how can I help?');
    await agent.getByRole('button', { name: 'Send/Refresh' }).click();
    await agent.getByText('Agent here, how can I help?').waitFor();
    await user.getByRole('button', { name: 'Send/Refresh' }).click();
    await user.locator('.message.from-agent', { hasText: 'Agent here' }).waitFor();
    assert.deepEqual(await user.locator('.message .text').allTextContents(), ['<i>Hello</i>, is anyone there?', 'Agent here, how can I help?']);
  });

  it('looks like a chat: own messages on the right, the other\'s on the left, short times, a wide message box', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: await tempDir(t, 'lab02-browser-look') });
    t.after(() => server.close());

    const [user, agent] = [await browser.newPage(), await browser.newPage()];
    await user.goto(new URL('/user', server.urls[0]).href);
    await agent.goto(new URL('/agent', server.urls[0]).href);
    await agent.getByLabel('Message').fill('Hello from the agent.');
    await agent.getByRole('button', { name: 'Send/Refresh' }).click();
    await agent.getByText('Hello from the agent.').waitFor();
    await user.getByLabel('Message').fill('Hi from the user.');
    await user.getByRole('button', { name: 'Send/Refresh' }).click();
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
