import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { startServer } from '../server/server.ts';

describe('03 realtime: browser', () => {
  it('looks like a chat: says when it started, own messages on the right, the other\'s on the left, short times, a wide message box', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: await tempDir(t, 'lab03-browser-look'), graceSeconds: 30 });
    t.after(() => server.close());

    const [user, agent] = [await browser.newPage(), await browser.newPage()];
    await user.goto(new URL('/user', server.urls[0]).href);
    await agent.goto(new URL('/agent', server.urls[0]).href);
    await user.getByText('The agent is online.').waitFor();
    await agent.getByLabel('Message').fill('Hello from the agent.');
    await agent.getByLabel('Message').press('Enter');
    await user.locator('.message', { hasText: 'Hello from the agent.' }).waitFor();
    await user.getByLabel('Message').fill('Hi from the user.');
    await user.getByLabel('Message').press('Enter');
    await user.locator('.message', { hasText: 'Hi from the user.' }).waitFor();

    const start = user.locator('.event').first();
    assert.match(await start.innerText(), /^Chat started at \d{2}:\d{2}$/);
    assert.match((await start.getAttribute('title')) ?? '', /^session \S+ started$/, 'the session id stays in the tooltip');
    await assertLooksLikeChat(user, 'Hi from the user.', 'Hello from the agent.');
  });

  it('a message typed in one window appears in the other at once; End chat, then a new message opens a new log', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const logDir = await tempDir(t, 'lab03-browser');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 });
    t.after(() => server.close());

    const [user, agent] = [await browser.newPage(), await browser.newPage()];
    await user.goto(new URL('/user', server.urls[0]).href);
    await agent.goto(new URL('/agent', server.urls[0]).href);
    await user.getByText('The agent is online.').waitFor();

    await user.getByLabel('Message').pressSequentially('<b>Hi</b>');
    await agent.getByText('The user is typing…').waitFor();
    await user.getByLabel('Message').fill('<b>Hello</b>, is anyone there?');
    await user.getByLabel('Message').press('Enter');
    await agent.locator('.message.from-user', { hasText: '<b>Hello</b>, is anyone there?' }).waitFor();
    assert.equal(await agent.locator('.messages b', { hasText: /^Hello$/ }).count(), 0, 'HTML shown as text');

    await agent.getByLabel('Message').fill('Agent here, how can I help?');
    await agent.getByRole('button', { name: 'Send' }).click();
    await user.locator('.message.from-agent', { hasText: 'Agent here' }).waitFor();
    assert.deepEqual(await user.locator('.message .text').allTextContents(), await agent.locator('.message .text').allTextContents());

    const ended = once(server.hub, 'session-end');
    await agent.getByRole('button', { name: 'End chat' }).click();
    await user.getByText('agent ended the chat').waitFor();
    await ended;
    assert.equal((await readdir(logDir)).length, 1);

    const started = once(server.hub, 'session-start');
    await user.getByLabel('Message').fill('One more question');
    await user.getByRole('button', { name: 'Send' }).click();
    await agent.getByText('One more question').waitFor();
    await started;
    assert.equal((await readdir(logDir)).length, 2, 'a new session, a new log file');

    await agent.reload();
    await agent.getByText('One more question').waitFor();
    assert.equal(await agent.getByText('One more question').count(), 1, 'a reload replays the session once');
  });

  it('shows the connection drop, reconnects, and catches up without losing or repeating a message', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const logDir = await tempDir(t, 'lab03-browser-reconnect');
    const config = { port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 };
    let server = await startServer(config);
    t.after(() => server.close());

    const user = await browser.newPage();
    await user.goto(new URL('/user', server.urls[0]).href);
    await user.getByText('Connected.').waitFor();
    await user.getByLabel('Message').fill('before the restart');
    await user.getByLabel('Message').press('Enter');
    await user.getByText('before the restart').waitFor();

    await server.close();
    await user.getByText('server stopped: the chat ended').waitFor();
    await user.getByText(/Connection lost: reconnecting in \d+ s/).waitFor();
    server = await startServer({ ...config, port: server.port });
    await user.getByText('Connected.').waitFor({ timeout: 15_000 });
    await user.getByLabel('Message').fill('after the restart');
    await user.getByLabel('Message').press('Enter');
    await user.getByText('after the restart').waitFor();
    assert.deepEqual(await user.locator('.message .text').allTextContents(), ['before the restart', 'after the restart']);
    assert.equal(await user.getByText('server stopped: the chat ended').count(), 1);
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
