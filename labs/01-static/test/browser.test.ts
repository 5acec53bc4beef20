import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
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
});
