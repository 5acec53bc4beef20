import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Admission } from '../server/realtime/admission.ts';

describe('07 cores: admission', () => {
  it('lets arrivals in, in order, for at most 2 ms per turn of the event loop', async () => {
    let clock = 0;
    const admission = new Admission(() => clock);
    const letIn: number[] = [];
    for (let i = 0; i < 5; i++) admission.add(() => (letIn.push(i), (clock += 1)));
    assert.deepEqual([...letIn], [], 'nobody is let in during the turn they arrive in');
    assert.equal(admission.size, 5);
    await nextTurn();
    assert.deepEqual([...letIn], [0, 1], 'each takes 1 ms: two fit in a turn');
    assert.equal(admission.size, 3);
    await nextTurn();
    assert.deepEqual([...letIn], [0, 1, 2, 3]);
    await nextTurn();
    assert.deepEqual([...letIn], [0, 1, 2, 3, 4]);
    admission.add(() => letIn.push(5));
    await nextTurn();
    assert.deepEqual([...letIn], [0, 1, 2, 3, 4, 5], 'a new arrival after the queue emptied');
  });

  it('lets one in per turn even when one takes longer than the budget', async () => {
    let clock = 0;
    const admission = new Admission(() => clock);
    const letIn: number[] = [];
    for (let i = 0; i < 3; i++) admission.add(() => (letIn.push(i), (clock += 10)));
    await nextTurn();
    assert.deepEqual([...letIn], [0]);
    await nextTurn();
    await nextTurn();
    assert.deepEqual([...letIn], [0, 1, 2]);
  });
});
