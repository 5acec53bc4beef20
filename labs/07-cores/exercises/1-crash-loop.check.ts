import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@chat-lab/test-support';
import { printed, spawnLab, type LabProcess } from '../test/lab-process.ts';

/** Kills worker `id` (its pid as the server printed it) and returns the line that says it died. */
async function kill(lab: LabProcess, id: number, pid: number): Promise<string> {
  process.kill(pid, 'SIGKILL');
  return (await printed(lab, new RegExp(`^Worker ${id} died.*$`, 'm')))[0];
}

const ready = async (lab: LabProcess, id: number) => Number((await printed(lab, new RegExp(`^Worker ${id} \\(pid (\\d+)\\) is ready\\.$`, 'm')))[1]);

describe('07 cores exercise 1: Stop restarting workers that keep dying', () => {
  it('restarts the first three workers that die within a minute, not the fourth, and says why', async (t) => {
    const dir = await tempDir(t, 'lab07-exercise-crash-loop');
    const lab = await spawnLab(t, join(dir, 'data'), join(dir, 'logs'), { WORKERS: '2' });
    const [, first, second] = /Workers\s+2 processes: 1 \(pid (\d+)\), 2 \(pid (\d+)\)/.exec(lab.output) ?? [];
    assert.ok(first && second, `The banner should list the workers as "Workers   2 processes: 1 (pid …), 2 (pid …)"; it printed:\n${lab.output}`);

    const deaths = [await kill(lab, 1, Number(first)), await kill(lab, 2, Number(second))];
    deaths.push(await kill(lab, 3, await ready(lab, 3)));
    deaths.push(await kill(lab, 4, await ready(lab, 4)));
    for (const [i, line] of deaths.slice(0, 3).entries()) {
      assert.match(line, /a new worker takes its place\.$/, `Death ${i + 1} of 4 within a minute: the worker should still be replaced; the server printed: ${line}`);
    }
    assert.equal(
      deaths[3],
      'Worker 4 died (SIGKILL): 4 workers died within a minute, so no new one is started. Fix what kills them, then restart the server.',
      'The fourth death within a minute should not be replaced, and the server should say so in that sentence.',
    );

    const fifth = await ready(lab, 5);
    const answer = await fetch(`${lab.url}/api/me`);
    assert.equal(answer.status, 200, 'The workers still alive keep serving.');
    assert.equal(answer.headers.get('x-worker'), `5 (pid ${fifth})`, 'Worker 5 (the replacement of the third death) is the one left.');
    assert.doesNotMatch(lab.output, /^Worker 6 /m, 'No worker may be started for the fourth death.');
  });
});
