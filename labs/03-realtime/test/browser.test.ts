import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { startServer } from '../server/server.ts';

describe('03 realtime: browser', () => {
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
