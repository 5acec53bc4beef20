import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { parseClientFrame } from '../server/core/protocol.ts';
import { checkUpgrade } from '../server/realtime/upgrade.ts';

describe('03 realtime: protocol', () => {
  it('reads the three client frames', () => {
    assert.deepEqual(parseClientFrame('{"type":"send","text":"hi <b>"}'), { ok: true, frame: { type: 'send', text: 'hi <b>' } });
    assert.deepEqual(parseClientFrame('{"type":"end"}'), { ok: true, frame: { type: 'end' } });
    assert.deepEqual(parseClientFrame('{"type":"typing","extra":1}'), { ok: true, frame: { type: 'typing' } });
  });

  it('answers anything else with an error code and a sentence', () => {
    const cases: [string, string][] = [
      ['not json', 'not-json'],
      ['', 'not-json'],
      ['null', 'unknown-type'],
      ['[1,2]', 'unknown-type'],
      ['"send"', 'unknown-type'],
      ['{"type":"shout","text":"x"}', 'unknown-type'],
      ['{"type":"send"}', 'bad-message'],
      ['{"type":"send","text":42}', 'bad-message'],
      ['{"type":"send","text":"   "}', 'bad-message'],
      [JSON.stringify({ type: 'send', text: 'x'.repeat(2001) }), 'bad-message'],
      ['{"type":{"nested":"send"}}', 'unknown-type'],
    ];
    for (const [data, code] of cases) {
      const parsed = parseClientFrame(data);
      assert.equal(parsed.ok, false, data);
      assert.equal(!parsed.ok && parsed.code, code, data);
      assert.ok(!parsed.ok && parsed.message.length > 10, data);
    }
  });

  it('lets an upgrade through only at /ws, for this host, from this origin, with a role', () => {
    const host = { host: '127.0.0.1:3000' };
    assert.deepEqual(checkUpgrade('/ws?role=user', host), { ok: true, role: 'user', resume: { session: undefined, after: undefined } });
    assert.deepEqual(checkUpgrade('/ws?role=agent&session=V1St_GX-8&after=12', { ...host, origin: 'http://127.0.0.1:3000' }), {
      ok: true,
      role: 'agent',
      resume: { session: 'V1St_GX-8', after: 12 },
    });
    assert.equal(checkUpgrade('/ws?role=user', { ...host, origin: 'https://127.0.0.1:3000' }).ok, true, 'behind a TLS proxy');
    assert.equal(checkUpgrade('/ws?role=user', { host: 'localhost:3000', origin: 'http://localhost:3000' }).ok, true, 'by name');
    const refused: [string, IncomingHttpHeaders, number][] = [
      ['/socket?role=user', host, 404],
      ['/ws?role=user', { ...host, origin: 'http://evil.example' }, 403],
      ['/ws?role=user', { ...host, origin: 'http://127.0.0.1:3001' }, 403],
      ['/ws?role=user', { host: 'evil.example:3000', origin: 'http://evil.example:3000' }, 403],
      ['/ws', host, 400],
      ['/ws?role=admin', host, 400],
      ['/ws?role=user&after=-1', host, 400],
      ['/ws?role=user&session=../../x', host, 400],
    ];
    for (const [url, headers, status] of refused) {
      const check = checkUpgrade(url, headers);
      assert.equal(check.ok ? 200 : check.status, status, url);
    }
  });
});
