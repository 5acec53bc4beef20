/**
 * Access: who may open the socket, speak in whose name, delete which room; what the session
 * cookie allows a script to do; where a password may end up. Labs 04 and 05 (accounts, rooms)
 * run the same checks; lab 03 has no log-in by design, and is checked for what it does have:
 * its socket is its own page's. Real servers, real HTTP and WebSocket requests, every one to
 * 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { ROOMS_LABS, Stream, figure, lab03, logIn, post, roomsServer, sendFrame, signUp } from './support.ts';

/** A candidate as a browser writes one: the labs relay nothing else. */
const CANDIDATE_3 = 'candidate:3 1 udp 2122260223 127.0.0.1 9 typ host';

/** The status of an upgrade to `/ws?query` with these headers: 101 if it became a WebSocket. */
async function upgradeStatus(url: string, query: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws${query ? `?${query}` : ''}`, { headers });
  socket.on('error', () => undefined);
  const status = await Promise.race([
    once(socket, 'open').then(() => 101),
    once(socket, 'unexpected-response').then(([request, response]) => {
      request.destroy();
      return response.statusCode as number;
    }),
  ]);
  socket.terminate();
  return status;
}

for (const lab of ROOMS_LABS) {
  describe(`${lab.suite}: access`, () => {
    it('the WebSocket without a valid session is refused with 401 before it becomes a WebSocket', async (t) => {
      const { url } = await roomsServer(t, lab);
      const cookie = await signUp(url, 'ann');
      const token = cookie.split('=')[1]!;
      const loggedOut = await logIn(url, 'ann', 'correct horse battery');
      assert.equal((await post(url, '/api/logout', '', { cookie: loggedOut })).status, 204);
      const refused: [string, Record<string, string>, string?][] = [
        ['no cookie', {}],
        ['a made-up session', { cookie: 'chat_session=made-up' }],
        ['an empty session', { cookie: 'chat_session=' }],
        ['a logged-out session', { cookie: loggedOut }],
        ['the token with one character changed', { cookie: `chat_session=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }],
        ['the token with more after it', { cookie: `chat_session=${token}x` }],
        ['the token under another cookie name', { cookie: `session=${token}` }],
        ['the cookie name in another case', { cookie: `Chat_Session=${token}` }],
        ['the token in the query string', {}, `chat_session=${token}`],
        ['the token as a bearer header', { authorization: `Bearer ${token}` }],
        ['a huge cookie header', { cookie: `chat_session=${'x'.repeat(8000)}` }],
      ];
      for (const [what, headers, query = ''] of refused) assert.equal(await upgradeStatus(url, query, headers), 401, what);
      assert.equal(await upgradeStatus(url, '', { cookie }), 101, 'while the real session opens it');
      await figure(t, `${lab.name} access: sockets without a valid session`, `${refused.length} kinds refused with 401`);
    });

    it("signaling cannot be sent in another user's name", async (t) => {
      const { url, open } = await roomsServer(t, lab);
      const [ann, ben, cat] = [await open(await signUp(url, 'ann')), await open(await signUp(url, 'ben')), await open(await signUp(url, 'cat'))];
      const forged = [
        { type: 'signal', to: 'ben', from: 'cat', data: { kind: 'offer', sdp: 'v=0\r\ns=1\r\n' } },
        { type: 'signal', to: 'BEN', data: { kind: 'answer', sdp: 'v=0\r\ns=2\r\n', from: 'cat', text: 'a chat message riding along' } },
        { type: 'signal', to: 'ben', data: { kind: 'candidate', candidate: { candidate: CANDIDATE_3, sdpMid: '0', sdpMLineIndex: 0, from: 'cat' } }, sender: 'cat' },
      ];
      const signals = ben.collect('signals for ben', (f) => f.type === 'signal');
      for (const frame of forged) ann.send(frame);
      const got = await signals.count(forged.length);
      assert.deepEqual(got.map((frame) => frame.from), ['ann', 'ann', 'ann'], 'stamped with the real sender, whatever the frame says');
      assert.deepEqual(got[1]!.data, { kind: 'answer', sdp: 'v=0\r\ns=2\r\n' }, 'only the fields WebRTC needs ride along');
      assert.deepEqual(got[2]!.data, { kind: 'candidate', candidate: { candidate: CANDIDATE_3, sdpMid: '0', sdpMLineIndex: 0 } });
      cat.send(sendFrame('#lR'));
      await cat.waitFor('its own answer', (f) => f.type === 'rooms');
      const impostor = await post(url, '/api/register', { firstName: 'B', lastName: 'B', login: 'Ben', password: 'whatever you like', age: 30, gender: 'other' });
      assert.equal(impostor.status, 409, 'nobody can register Ben to pass for ben');
      await figure(t, `${lab.name} access: forged signals`, `${forged.length} forged signals, all stamped with the real sender`);
    });

    it('a non-creator cannot delete a room, whatever the case or the way it is asked; nobody can delete the lobby', async (t) => {
      const { url, open } = await roomsServer(t, lab);
      const annCookie = await signUp(url, 'ann');
      const ann = await open(annCookie);
      const [ben, cat] = [await open(await signUp(url, 'ben')), await open(await signUp(url, 'cat'))];
      ann.send(sendFrame('#cR games'));
      await ann.waitFor('ann in games', (f) => f.type === 'joined' && f.room === 'games');
      ben.send(sendFrame('#gR games'));
      await ben.waitFor('ben in games', (f) => f.type === 'joined' && f.room === 'games');
      const attempts: [Stream, object][] = [
        [ben, sendFrame('#dR games')],
        [ben, sendFrame('#DR GAMES')],
        [ben, { type: 'command', command: { name: 'delete', room: 'Games' } }],
        [ben, { type: 'command', command: { name: 'delete', room: 'games', creator: 'ben' } }],
        [cat, sendFrame('#dR games')],
        [ann, sendFrame('#dR lobby')],
        [cat, { type: 'command', command: { name: 'delete', room: 'LOBBY' } }],
      ];
      for (const [who, frame] of attempts) {
        who.send(frame);
        assert.equal((await who.waitFor('the refusal', (f) => f.type === 'error')).code, 'not-creator');
      }
      cat.send(sendFrame('#lR'));
      const { rooms } = await cat.waitFor('the room list', (f) => f.type === 'rooms');
      assert.deepEqual(rooms.map((room: { name: string; creator: string | null }) => [room.name, room.creator]), [['lobby', null], ['games', 'ann']]);
      const annAgain = await open(annCookie); // a second tab replaces the first and keeps her room
      annAgain.send(sendFrame('#dR GAMES'));
      await ben.waitFor('ben back in the lobby', (f) => f.type === 'joined' && f.room === 'lobby');
      await figure(t, `${lab.name} access: room deletion`, `${attempts.length} deletions by a non-creator refused (not-creator); the creator's, from a new tab, works`);
    });

    it('a cross-origin page cannot open the socket', async (t) => {
      const { url } = await roomsServer(t, lab);
      const cookie = await signUp(url, 'ann');
      const own = url.replace(/\/$/, '');
      const { port } = new URL(url);
      const origins = ['http://evil.example', 'https://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`, `http://localhost:${port}`, `${own}.evil.example`, 'file://'];
      for (const origin of origins) assert.equal(await upgradeStatus(url, '', { cookie, origin }), 403, origin);
      assert.equal(await upgradeStatus(url, '', { cookie, origin: own }), 101, 'its own origin may');
      await figure(t, `${lab.name} access: cross-origin sockets`, `${origins.length} origins refused with 403`);
    });

    it('the session cookie is HttpOnly and SameSite=Strict, new at each log-in, and cleared at log-out', async (t) => {
      const { url } = await roomsServer(t, lab);
      await signUp(url, 'ann');
      const planted = 'chat_session=planted-by-an-attacker';
      const login = await post(url, '/api/login', { login: 'ann', password: 'correct horse battery' }, { cookie: planted });
      const setCookie = login.headers.get('set-cookie')!;
      const attributes = setCookie.split(';').map((part) => part.trim().toLowerCase());
      assert.ok(attributes.includes('httponly'), setCookie);
      assert.ok(attributes.includes('samesite=strict'), setCookie);
      assert.ok(attributes.includes('path=/'), setCookie);
      const token = setCookie.split(';')[0]!.split('=')[1]!;
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, not the planted value');
      const again = (await post(url, '/api/login', { login: 'ann', password: 'correct horse battery' })).headers.get('set-cookie')!.split(';')[0]!;
      assert.notEqual(again, `chat_session=${token}`, 'each log-in gets a new session');
      const logout = await post(url, '/api/logout', '', { cookie: `chat_session=${token}` });
      const cleared = logout.headers.get('set-cookie')!.toLowerCase();
      assert.match(cleared, /max-age=0/);
      assert.match(cleared, /httponly/);
      assert.match(cleared, /samesite=strict/);
      const me = await fetch(new URL('/api/me', url), { headers: { cookie: `chat_session=${token}` } });
      assert.deepEqual([me.status, await me.json()], [200, { account: null }], 'the session is over on the server: nobody is logged in with it');
      assert.equal((await fetch(new URL('/api/me', url), { headers: { cookie: again } })).status, 200, 'the other session lives on');
      await figure(t, `${lab.name} access: session cookie`, setCookie.replace(/chat_session=[^;]+/, 'chat_session=…'));
    });

    it('passwords never appear in responses, frames, logs or the accounts file', async (t) => {
      const { server, url, dataDir, logDir, open } = await roomsServer(t, lab);
      const password = 'Secret-Pa55word <b>"quoted"</b>';
      const seen: string[] = [];
      const keep = async (res: Response) => {
        seen.push(`${res.status} ${[...res.headers].join(' ')} ${await res.text()}`);
      };
      const form = { firstName: 'Ann', lastName: 'Lee', login: 'ann', password, age: 30, gender: 'female' };
      await keep(await post(url, '/api/register', form));
      await keep(await post(url, '/api/register', form)); // 409
      await keep(await post(url, '/api/register', { ...form, login: 'x y' })); // 400
      await keep(await post(url, '/api/register', { ...form, login: 'ann2', password: `${password}${'!'.repeat(300)}` })); // too long
      await keep(await post(url, '/api/login', { login: 'ann', password: `${password}wrong` })); // 401
      const login = await post(url, '/api/login', { login: 'ann', password });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      await keep(login);
      await keep(await fetch(new URL('/api/me', url), { headers: { cookie } }));
      const ann = await open(cookie);
      const frames: string[] = [];
      ann.listen((frame) => frames.push(JSON.stringify(frame)));
      ann.send(sendFrame('#show users'));
      await ann.waitFor('the user list', (f) => f.type === 'users');
      await server.close();
      const logs = await Promise.all((await readdir(logDir)).map((file) => readFile(join(logDir, file), 'utf8')));
      const accounts = await readFile(join(dataDir, 'accounts.json'), 'utf8');
      for (const [where, text] of [['responses', seen.join('\n')], ['frames', frames.join('\n')], ['logs', logs.join('\n')], ['accounts.json', accounts]] as const) {
        assert.ok(!text.includes(password) && !text.includes(JSON.stringify(password).slice(1, -1)), `the password is in the ${where}`);
      }
      assert.ok(!`${seen.join('\n')}${frames.join('\n')}`.includes('scrypt$'), 'nor its hash');
      assert.match(accounts, /"passwordHash": "scrypt\$16384\$8\$1\$/, 'accounts.json holds a salted scrypt hash');
      await figure(t, `${lab.name} access: passwords`, `absent from ${seen.length} responses, ${frames.length} frames, ${logs.length} log and accounts.json`);
    });
  });
}

describe('03 realtime: access', () => {
  it('a cross-origin page cannot open the socket', async (t) => {
    const { url } = await lab03(t);
    const { port } = new URL(url);
    const origins = ['http://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`, `http://localhost:${port}`, 'file://'];
    for (const origin of origins) assert.equal(await upgradeStatus(url, 'role=user', { origin }), 403, origin);
    assert.equal(await upgradeStatus(url, 'role=user', { origin: url.replace(/\/$/, '') }), 101, 'its own origin may');
    await figure(t, '03 access: cross-origin sockets', `${origins.length} origins refused with 403 (lab 03 has no log-in by design)`);
  });

  it('a page of another site cannot open the socket through DNS rebinding either', async (t) => {
    const { url } = await lab03(t);
    const { port } = new URL(url);
    const rebound = `evil.example:${port}`;
    assert.equal(await upgradeStatus(url, 'role=agent', { host: rebound, origin: `http://${rebound}` }), 403);
  });
});
