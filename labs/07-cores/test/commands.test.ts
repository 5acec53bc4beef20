import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLine } from '../shared/commands.ts';

describe('07 cores: commands', () => {
  it('reads every command of the table, in any case', () => {
    const cases: [string, object][] = [
      ['#cR games', { name: 'create', room: 'games' }],
      ['#CR games', { name: 'create', room: 'games' }],
      ['#gr Games', { name: 'go', room: 'Games' }],
      ['#eR', { name: 'leave' }],
      ['#LR', { name: 'list' }],
      ['#dR games', { name: 'delete', room: 'games' }],
      ['#cR sala-ñ', { name: 'create', room: 'sala-ñ' }],
      ['#gR AÇÃO', { name: 'go', room: 'AÇÃO' }],
      ['#show users', { name: 'users' }],
      ['#SHOW Users', { name: 'users' }],
      ['#exit', { name: 'exit' }],
      ['  #Exit  ', { name: 'exit' }],
    ];
    for (const [line, command] of cases) assert.deepEqual(parseLine(line), { kind: 'command', command }, line);
  });

  it('reads #IR, with a capital i, as #lR: the two look alike in many fonts', () => {
    for (const line of ['#IR', '#iR', '#ir']) assert.deepEqual(parseLine(line), { kind: 'command', command: { name: 'list' } }, line);
    assert.deepEqual(parseLine('#IR games'), { kind: 'error', code: 'bad-argument', message: '#IR takes no argument.' });
  });

  it('reads a private message, keeping its text as typed', () => {
    assert.deepEqual(parseLine('#\\private bob see you  at 5'), { kind: 'private', to: 'bob', text: 'see you  at 5' });
    assert.deepEqual(parseLine('#\\PRIVATE bob two\nlines'), { kind: 'private', to: 'bob', text: 'two\nlines' });
  });

  it('takes any line that does not start with # as a message', () => {
    for (const line of ['hello', 'a # in the middle', ' hi #cR x']) assert.deepEqual(parseLine(line), { kind: 'message' }, line);
  });

  it('answers a wrong command with an error that says what to type', () => {
    const cases: [string, string, RegExp][] = [
      ['#cR', 'bad-argument', /#cR needs one room name: #cR <room>/],
      ['#gR a b', 'bad-argument', /#gR needs one room name/],
      ['#eR lobby', 'bad-argument', /#eR takes no argument/],
      ['#show', 'bad-argument', /Did you mean #show users\?/],
      ['#show rooms', 'bad-argument', /#show users/],
      ['#\\private bob', 'bad-argument', /#\\private needs a user and a text/],
      ['#kick bob', 'unknown-command', /Unknown command #kick\. Commands: #cR <room>/],
      ['#', 'unknown-command', /Unknown command #\./],
    ];
    for (const [line, code, message] of cases) {
      const parsed = parseLine(line);
      assert.equal(parsed.kind, 'error', line);
      assert.equal(parsed.kind === 'error' && parsed.code, code, line);
      assert.match(parsed.kind === 'error' ? parsed.message : '', message, line);
    }
  });
});
