import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@chat-lab/test-support';
import { createServer } from 'vite';
import WebSocket from 'ws';
import { startServer } from '../server/server.ts';
import { signUp } from './ws-client.ts';

describe('07 cores: the dev mode\'s proxy', () => {
  it('lets Vite\'s own page open the chat socket, and passes any other Origin on for the lab to refuse', async (t) => {
    const dir = await tempDir(t, 'lab07-dev-proxy');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: `${dir}/logs`, dataDir: `${dir}/data`, gate: 0 });
    t.after(() => server.close());
    const previous = process.env.LAB_URL;
    process.env.LAB_URL = `http://127.0.0.1:${server.port}`;
    t.after(() => (process.env.LAB_URL = previous));
    const vite = await createServer({
      configFile: fileURLToPath(new URL('../client/vite.config.ts', import.meta.url)),
      cacheDir: `${dir}/vite-cache`,
      logLevel: 'silent',
      optimizeDeps: { noDiscovery: true, include: [] },
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    });
    t.after(() => vite.close());
    await vite.listen();
    const page = vite.resolvedUrls!.local[0]!.replace(/\/$/, '');
    const cookie = await signUp(`http://127.0.0.1:${server.port}/`, 'ann');
    const upgrade = async (origin: string) => {
      const socket = new WebSocket(`${page.replace('http', 'ws')}/ws`, { headers: { cookie, origin } });
      socket.on('error', () => undefined);
      const [event, response] = await Promise.race([once(socket, 'open').then(() => ['open']), once(socket, 'unexpected-response').then(([, res]) => ['refused', res])]);
      socket.terminate();
      return event === 'open' ? 101 : (response.statusCode as number);
    };
    assert.equal(await upgrade(page), 101, 'Vite\'s own page connects');
    assert.equal(await upgrade('http://evil.example'), 403, 'another site\'s page is refused, through the proxy too');
  });
});
