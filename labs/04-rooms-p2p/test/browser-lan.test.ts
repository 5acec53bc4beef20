import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { buildLan, type LanOptions } from '@chat-lab/test-support/lan';
import { buildClientIfStale } from '../server/client-build.ts';
import { startServer } from '../server/server.ts';
import { type Person, register, privateLines, receivesPrivately, sendPrivate, assertNoPageErrors } from './browser-people.ts';

describe('04 rooms-p2p: private messages on a classroom LAN', () => {
  before(async () => {
    await buildClientIfStale();
  });

  /**
   * The lab on this machine, and ada and bob on two laptops of `network` (network namespaces and a
   * bridge), each with a Chromium of their own and no camera or microphone granted: Chromium
   * then hides their addresses behind `.local` names, as it does in a real classroom.
   */
  async function classroom(t: TestContext, network: LanOptions, stunPort?: null) {
    const lan = await buildLan(t, network);
    if (!lan) return undefined;
    const dir = await tempDir(t, 'lab04-lan');
    const server = await startServer({ port: 0, host: lan.server, logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0, stunPort });
    t.after(() => server.close());
    const people: Person[] = [];
    for (const [i, login] of ['ada', 'bob'].entries()) {
      const browser = await lan.hosts[i]!.openBrowser(t);
      if (!browser) return undefined;
      people.push(await register(browser, `http://${lan.server}:${server.port}`, login, {}, { media: false }));
    }
    const [ada, bob] = people as [Person, Person];
    await ada.page.getByRole('button', { name: 'Refresh the list of people' }).click(); // the page asks for the people only when told
    await ada.page.getByRole('button', { name: 'Message bob privately' }).click();
    return { ada, bob, lan, server };
  }

  it("opens the direct link where multicast is filtered: the lab's STUN server tells each browser its address", async (t) => {
    const people = await classroom(t, { multicast: false });
    if (!people) return;
    const { ada, bob } = people;
    const start = performance.now();
    await sendPrivate(ada.page, 'bob', 'found you, across the campus Wi-Fi');
    await receivesPrivately(bob, ada, 'found you, across the campus Wi-Fi');
    t.diagnostic(`the link opened and the first message arrived ${Math.round(performance.now() - start)} ms after Enter`);
    await bob.page.getByText('Invite someone').click();
    const origin = new URL(bob.page.url()).origin;
    await bob.page.getByRole('img', { name: `QR code of ${origin}/` }).waitFor();
    assert.equal(await ada.page.getByRole('img', { name: /^QR code of / }).count(), 0, 'folded until asked for');
    assert.deepEqual([...ada.frames, ...bob.frames].filter((frame) => frame.includes('campus Wi-Fi')), [], 'no WebSocket frame carries it');
    assertNoPageErrors(ada, bob);
  });

  it('cannot open it on that network without the STUN server, and says so after 5 s', async (t) => {
    const people = await classroom(t, { multicast: false }, null);
    if (!people) return;
    const { ada, bob } = people;
    await sendPrivate(ada.page, 'bob', 'anyone there?');
    await ada.page.getByText('Could not reach bob directly within 5 s').waitFor();
    assert.equal(await privateLines(bob.page, 'ada').count(), 0);
  });

  it('opens it on a LAN with no router too, thanks to the STUN server', async (t) => {
    const people = await classroom(t, { gateway: false });
    if (!people) return;
    const { ada, bob } = people;
    await sendPrivate(ada.page, 'bob', 'no router, no problem');
    await receivesPrivately(bob, ada, 'no router, no problem');
  });

  it("opens it when one laptop never hears the STUN server: the other's address is enough", async (t) => {
    const people = await classroom(t, { gateway: false });
    if (!people) return;
    const { ada, bob, lan, server } = people;
    if (!(await lan.hosts[0]!.dropUdpFrom(t, lan.server, server.stunPort!))) return;
    await sendPrivate(ada.page, 'bob', 'I only know your address');
    await receivesPrivately(bob, ada, 'I only know your address');
    assert.equal(await ada.page.getByRole('alert').count(), 0);
  });

  it('tells the sender at once, in plain words, when there is neither a router nor the STUN server', async (t) => {
    const people = await classroom(t, { gateway: false }, null);
    if (!people) return;
    const { ada } = people;
    await sendPrivate(ada.page, 'bob', 'hello?');
    await ada.page.getByText(/Your browser found no address to offer bob: this network has no router/).waitFor({ timeout: 4000 });
  });
});
