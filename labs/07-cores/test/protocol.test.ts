import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { checkUpgrade } from '../server/realtime/upgrade.ts';
import { MAX_CANDIDATE_LENGTH, MAX_SDP_LENGTH, parseClientFrame } from '../shared/protocol.ts';
import { CANDIDATE, MDNS_CANDIDATE, OFFER } from './webrtc-samples.ts';

describe('07 cores: protocol', () => {
  it('reads the four client frames', () => {
    assert.deepEqual(parseClientFrame('{"type":"send","text":"#cR games"}'), { ok: true, frame: { type: 'send', text: '#cR games' } });
    assert.deepEqual(parseClientFrame('{"type":"command","command":{"name":"go","room":"games","x":1}}'), { ok: true, frame: { type: 'command', command: { name: 'go', room: 'games' } } });
    assert.deepEqual(parseClientFrame('{"type":"command","command":{"name":"list","room":"x"}}'), { ok: true, frame: { type: 'command', command: { name: 'list' } } });
    assert.deepEqual(parseClientFrame('{"type":"time","id":7}'), { ok: true, frame: { type: 'time', id: 7 } });
    assert.deepEqual(parseClientFrame(JSON.stringify({ type: 'signal', to: 'bob', data: { kind: 'answer', sdp: OFFER } })), {
      ok: true,
      frame: { type: 'signal', to: 'bob', data: { kind: 'answer', sdp: OFFER } },
    });
  });

  it('keeps only WebRTC fields in signaling, so no chat text can ride along', () => {
    const parsed = parseClientFrame(JSON.stringify({ type: 'signal', to: 'bob', from: 'mallory', data: { kind: 'candidate', candidate: { ...CANDIDATE, text: 'secret' }, text: 'secret' } }));
    assert.deepEqual(parsed, { ok: true, frame: { type: 'signal', to: 'bob', data: { kind: 'candidate', candidate: CANDIDATE } } });
    assert.doesNotMatch(JSON.stringify(parsed), /secret|mallory/);
    for (const candidate of [MDNS_CANDIDATE, { candidate: '', sdpMid: '0', sdpMLineIndex: 0 }, null]) {
      assert.ok(parseClientFrame(JSON.stringify({ type: 'signal', to: 'bob', data: { kind: 'candidate', candidate } })).ok, JSON.stringify(candidate));
    }
  });

  it('relays only what looks like SDP or an ICE candidate, of bounded size: chat text is refused', () => {
    const signal = (data: object) => parseClientFrame(JSON.stringify({ type: 'signal', to: 'bob', data }));
    const gym = 'meet me behind the gym at 5';
    const line = (length: number) => `a=x:${'y'.repeat(length - 6)}\r\n`;
    const refused = [
      { kind: 'offer', sdp: gym },
      { kind: 'answer', sdp: `v=0\r\n${gym}\r\n` },
      { kind: 'offer', sdp: `v=1\r\n` },
      { kind: 'offer', sdp: `${OFFER}${line(MAX_SDP_LENGTH - OFFER.length + 1)}` },
      { kind: 'candidate', candidate: { candidate: gym } },
      { kind: 'candidate', candidate: { candidate: `candidate:1 1 udp 1 127.0.0.1 5 typ host ${gym}` } },
      { kind: 'candidate', candidate: { candidate: `${CANDIDATE.candidate}${' generation 0'.repeat(40)}` } },
      { kind: 'candidate', candidate: { ...CANDIDATE, sdpMid: gym } },
      { kind: 'candidate', candidate: 'candidate' },
      { kind: 'gossip', text: gym },
    ];
    for (const data of refused) {
      const parsed = signal(data);
      assert.equal(parsed.ok ? 'ok' : parsed.code, 'bad-signal', JSON.stringify(data).slice(0, 100));
      assert.ok(!parsed.ok && /not relayed|offer, an answer or a candidate/.test(parsed.message));
    }
    assert.ok(`${CANDIDATE.candidate}${' generation 0'.repeat(40)}`.length > MAX_CANDIDATE_LENGTH);
    assert.ok(signal({ kind: 'offer', sdp: `${OFFER}${line(MAX_SDP_LENGTH - OFFER.length)}` }).ok, 'exactly the limit is relayed');
  });

  it('answers anything else with an error code and a sentence', () => {
    const cases: [string, string][] = [
      ['nope', 'not-json'],
      ['null', 'unknown-type'],
      ['42', 'unknown-type'],
      ['{"type":"shout"}', 'unknown-type'],
      ['{"type":"send"}', 'bad-message'],
      ['{"type":"send","text":"  "}', 'bad-message'],
      [JSON.stringify({ type: 'send', text: 'x'.repeat(2001) }), 'bad-message'],
      ['{"type":"command"}', 'unknown-command'],
      ['{"type":"command","command":{"name":"fly"}}', 'unknown-command'],
      ['{"type":"command","command":{"name":"create"}}', 'bad-argument'],
      ['{"type":"signal","to":"bob","data":{"kind":"offer"}}', 'bad-signal'],
      ['{"type":"signal","data":{"kind":"offer","sdp":"v=0"}}', 'bad-signal'],
      ['{"type":"time","id":"soon"}', 'unknown-type'],
    ];
    for (const [data, code] of cases) {
      const parsed = parseClientFrame(data);
      assert.equal(parsed.ok ? 'ok' : parsed.code, code, data);
      assert.ok(!parsed.ok && parsed.message.length > 10, data);
    }
  });

  it('lets an upgrade through only at /ws, for this host, from this origin, with a valid session', () => {
    const loginFor = (session: string | undefined) => (session === 'good' ? 'alice' : undefined);
    const ok: IncomingHttpHeaders = { host: '127.0.0.1:3000', cookie: 'chat_session=good' };
    assert.deepEqual(checkUpgrade('/ws', ok, loginFor), { ok: true, login: 'alice', session: 'good', resume: { room: undefined, after: undefined } });
    assert.deepEqual(checkUpgrade('/ws?room=games&after=12', { ...ok, origin: 'http://127.0.0.1:3000' }, loginFor), {
      ok: true,
      login: 'alice',
      session: 'good',
      resume: { room: 'games', after: 12 },
    });
    const refused: [string, IncomingHttpHeaders, number][] = [
      ['/chat', ok, 404],
      ['/ws', { ...ok, origin: 'http://evil.example' }, 403],
      ['/ws', { ...ok, host: 'evil.example:3000', origin: 'http://evil.example:3000' }, 403],
      ['/ws', { host: '127.0.0.1:3000' }, 401],
      ['/ws', { ...ok, cookie: 'chat_session=forged' }, 401],
      ['/ws?room=../x', ok, 400],
      ['/ws?after=-1', ok, 400],
    ];
    for (const [url, headers, status] of refused) {
      const check = checkUpgrade(url, headers, loginFor);
      assert.equal(check.ok ? 200 : check.status, status, `${url} ${JSON.stringify(headers)}`);
    }
  });
});
