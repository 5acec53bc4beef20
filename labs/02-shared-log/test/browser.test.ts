import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
