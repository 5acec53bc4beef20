/**
 * Hostile text: HTML and script, control characters, newlines, right-to-left marks and very long
 * words, in messages (labs 03, 04 and 05), room names and registration fields (04 and 05). Whatever is
 * accepted must come back exactly as sent, as text (the server never rewrites or escapes it: the
 * pages put it in with `textContent` and Lit, which the labs' browser tests check), and every log
 * line must still be one line that parses back to the same text.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LAB03, ROOMS_LABS, figure, lab03, logIn, post, readLogs, roomsServer, sendFrame, signUp } from './support.ts';

/** Messages that try to be HTML, to break or forge log lines, or to look like something else. */
const HOSTILE = [
  '<script>alert("xss")</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(document.cookie)>',
  'line one\nline two',
  'carriage\rreturn and\r\nCRLF',
  'hi\n2026-11-22 14:03:08 <agent> I never said this',
  'hi\r\n2026-11-22 14:03:08 #lobby <admin> nor this',
  'tab\there',
  'nul\u0000 bell\u0007 escape\u001b[31mred\u001b[0m del\u007f',
  'C1 controls \u0080 \u0085 \u009f',
  'right-to-left \u202egnp.exe\u202c, marks \u200f \u200e',
  'isolates \u2066x\u2069 \u2067y\u2069 \u2068z\u2069',
  'separators \u2028 and \u2029',
  'typed by hand: \\n and \\\\ and \\x41 and \\u202e',
  'w'.repeat(2000),
  `${'a'.repeat(1000)}\n${'b'.repeat(999)}`,
  '😀👩‍👩‍👧 e\u0301 Z̷a̶l̴g̵o 中文 \ufeffBOM zero\u200bwidth',
  '* not an event',
  '<agent> not a sender',
  ' leading and trailing spaces ',
  '%s %d ${7*7} {{7*7}}',
];

/** What a log file may hold raw: nothing that breaks or reorders a line (README, "The log line format"). */
const UNESCAPED = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

async function assertLogIsText(path: string) {
  const raw = await readFile(path, 'utf8');
  const bad = raw.split('\n').findIndex((line) => UNESCAPED.test(line));
  assert.equal(bad, -1, `${path}:${bad + 1} holds a raw control or direction character`);
}

describe('03 realtime: hostile text', () => {
  it('messages with HTML, control characters, newlines, direction marks and long words: delivered as sent, one log line each, read back the same', async (t) => {
    const { server, logDir, open } = await lab03(t);
    const agent = await open('agent');
    const seen: string[] = [];
    agent.listen((frame) => frame.type === 'entry' && frame.entry.from === 'user' && seen.push(frame.entry.text));
    const user = await open('user');
    for (const text of HOSTILE) user.send(sendFrame(text));
    user.send(sendFrame('done'));
    await agent.waitFor('the last message', (frame) => frame.type === 'entry' && frame.entry.text === 'done');
    assert.deepEqual(seen, [...HOSTILE, 'done'], 'every message delivered exactly as sent');
    await server.close();
    const logs = await readLogs(logDir, LAB03.parseLine);
    const [file, lines] = [...logs][0]!;
    assert.equal(lines!.length, HOSTILE.length + 3, 'start, one line per message, done, end: no message made a second line');
    assert.deepEqual(lines!.filter((line) => line.from === 'user').map((line) => line.text), [...HOSTILE, 'done'], 'the log reads back the same text, from the same sender');
    await assertLogIsText(join(logDir, file!));
    await figure(t, '03 hostile messages', `${HOSTILE.length} delivered as sent, ${lines!.length} log lines, all parse`);
  });
});

for (const lab of ROOMS_LABS) {
  describe(`${lab.suite}: hostile text`, () => {
    it('messages with HTML, control characters, newlines, direction marks and long words: delivered as sent, one log line each, read back the same', async (t) => {
      const { server, url, open } = await roomsServer(t, lab);
      const bob = await open(await signUp(url, 'bob'));
      const seen: string[] = [];
      bob.listen((frame) => frame.type === 'entry' && frame.entry.from === 'ann' && seen.push(frame.entry.text));
      const ann = await open(await signUp(url, 'ann'));
      for (const text of HOSTILE) ann.send(sendFrame(text));
      ann.send(sendFrame('done'));
      await bob.waitFor('the last message', (frame) => frame.type === 'entry' && frame.entry.text === 'done');
      assert.deepEqual(seen, [...HOSTILE, 'done'], 'every message delivered exactly as sent');
      const path = await server.logPath;
      await server.close();
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => lab.parseLine(line) ?? assert.fail(`torn line: ${line}`));
      assert.deepEqual(lines.filter((line) => line.from === 'ann').map((line) => line.text), [...HOSTILE, 'done'], 'the log reads back the same text, from the same sender');
      assert.ok(lines.every((line) => line.room === null || line.room === 'lobby'), 'no message made a line of its own');
      await assertLogIsText(path);
      await figure(t, `${lab.name} hostile messages`, `${HOSTILE.length} delivered as sent, ${lines.length} log lines, all parse`);
    });

    it('room names with HTML, spaces, newlines, direction marks or too long are refused with a clear error, and nothing changes', async (t) => {
      const { server, url, open } = await roomsServer(t, lab);
      const ann = await open(await signUp(url, 'ann'));
      const names = ['<script>', '<b>x</b>', 'a b', 'tab\there', 'new\nline', 'rtl\u202eabc', 'lrm\u200e', 'x'.repeat(33), 'émoji😀', 'dot.name', '../etc', 'nul\u0000', 'sep\u2028x'];
      const refusals: string[] = [];
      for (const room of names) {
        ann.send(sendFrame(`#cR ${room}`));
        refusals.push((await ann.waitFor(`the refusal of #cR ${JSON.stringify(room)}`, (f) => f.type === 'error')).code);
        ann.send({ type: 'command', command: { name: 'create', room } });
        refusals.push((await ann.waitFor(`the refusal of create ${JSON.stringify(room)}`, (f) => f.type === 'error')).code);
      }
      assert.ok(refusals.every((code) => code === 'bad-room-name' || code === 'bad-argument'), refusals.join(', '));
      ann.send(sendFrame('#gR <script>alert(1)</script>'));
      const missing = await ann.waitFor('no such room', (f) => f.type === 'error');
      assert.equal(missing.code, 'no-such-room');
      assert.match(missing.message, /<script>alert\(1\)<\/script>/, 'named as text in a JSON string: the client shows it as text');
      ann.send(sendFrame('#lR'));
      const rooms = await ann.waitFor('the room list', (f) => f.type === 'rooms');
      assert.deepEqual(rooms.rooms.map((room: { name: string }) => room.name), ['lobby'], 'no room was made');
      const path = await server.logPath;
      await server.close();
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => lab.parseLine(line) ?? assert.fail(`torn line: ${line}`));
      assert.deepEqual([...new Set(lines.map((line) => line.room))], [null, 'lobby'], 'nothing logged in any other room');
      await figure(t, `${lab.name} hostile room names`, `${refusals.length} refused (${[...new Set(refusals)].join(', ')})`);
    });

    it('registration fields: HTML is stored and shown as text; control characters, newlines, direction marks and overlong names are refused; any password works as typed', async (t) => {
      const { server, url, dataDir, open } = await roomsServer(t, lab);
      const form = (login: string, name: string, password = 'correct horse battery') => ({ firstName: name, lastName: name, login, password, age: 30, gender: 'other' });
      const accepted = ['<b>Ada</b>', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "O'Brien \"Bobby\" & co", 'Ада Лавлейс', '😀👩‍👩‍👧', 'A'.repeat(64), '  padded  '];
      for (const [i, name] of accepted.entries()) {
        const res = await post(url, '/api/register', form(`html${i}`, name));
        assert.equal(res.status, 201, `${JSON.stringify(name)}: ${await res.clone().text()}`);
        const { account } = (await res.json()) as { account: { firstName: string } };
        assert.equal(account.firstName, name.trim(), 'stored as typed (trimmed)');
      }
      const refused = ['Ada\nLovelace', 'Ada\rX', 'A\u0000da', 'A\u0007da', 'A\u001bda', 'A\u0085da', 'A\u202eda', 'A\u200fda', 'A\u2028da', 'A\u2066da', 'A'.repeat(65), ' '];
      for (const [i, name] of refused.entries()) {
        const res = await post(url, '/api/register', form(`bad${i}`, name));
        assert.equal(res.status, 400, JSON.stringify(name));
        const { errors } = (await res.json()) as { errors: Record<string, string> };
        assert.deepEqual(Object.keys(errors).sort(), ['firstName', 'lastName'], 'one sentence for each wrong field');
      }
      for (const login of ['<script>', 'a b', 'ad\nmin', 'ad\u202emin', 'ad@min', 'x'.repeat(33), 'ab']) {
        const res = await post(url, '/api/register', form(login, 'Ada'));
        assert.equal(res.status, 400, JSON.stringify(login));
        assert.ok(((await res.json()) as { errors: Record<string, string> }).errors.login);
      }
      assert.equal((await post(url, '/api/register', form('é'.repeat(5), 'Ada'))).status, 201, 'a login in any alphabet');
      const passwords = ['<script>pw()</script>', 'pass\nword\r\n', 'pass\u202eword', 'pass\u0000word\u0007', '😀🔑😀🔑', 'p'.repeat(256), ' spaces around '];
      for (const [i, password] of passwords.entries()) {
        assert.equal((await post(url, '/api/register', form(`pw${i}`, 'Pat', password))).status, 201, JSON.stringify(password));
        assert.equal((await post(url, '/api/login', { login: `pw${i}`, password })).status, 200, `log in with ${JSON.stringify(password)}`);
      }
      assert.equal((await post(url, '/api/login', { login: 'pw6', password: 'spaces around' })).status, 401, 'a password is not trimmed');

      const viewer = await open(await logIn(url, 'html0'));
      viewer.send(sendFrame('#show users'));
      const { users } = await viewer.waitFor('the user list', (f) => f.type === 'users');
      const shown = new Map(users.map((user: { login: string; firstName: string }) => [user.login, user.firstName]));
      for (const [i, name] of accepted.entries()) assert.equal(shown.get(`html${i}`), name.trim(), 'shown as the same text');
      assert.ok(![...shown.keys()].some((login) => String(login).startsWith('bad')), 'no refused account exists');

      await server.close();
      const store = await lab.openAccounts(dataDir);
      for (const [i, name] of accepted.entries()) assert.equal(store.get(`html${i}`)?.lastName, name.trim(), 'read back the same after a restart');
      await store.close();
      const file = await readFile(join(dataDir, 'accounts.json'), 'utf8');
      for (const password of passwords) assert.ok(!file.includes(JSON.stringify(password).slice(1, -1)), 'no password in accounts.json');
      await figure(t, `${lab.name} hostile registration`, `${accepted.length} names stored as text, ${refused.length} names and 7 logins refused, ${passwords.length} hostile passwords work as typed`);
    });
  });
}
