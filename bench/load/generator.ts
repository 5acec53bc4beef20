/**
 * The load generator: a process of its own (pinned to its own core when taskset exists), so
 * that its work never counts as the server's. It takes one job as a JSON argument, runs it
 * against one server, prints `{"result": …}` on one line, and then keeps its connections open
 * until its standard input closes: the benchmark stops the server first, so the server does not
 * spend its last seconds announcing thousands of departures.
 *
 *   node --import tsx bench/load/generator.ts '{"scenario":"steady","target":{…},…}'
 */
import { performance } from 'node:perf_hooks';
import { logInAll } from '../lib/accounts.ts';
import { answerAndLinger, readJob } from '../lib/job.ts';
import { isLab } from '../lib/kinds.ts';
import { Crowd, type Target } from './crowd.ts';
import { idle, saturation, steady, type IdleJob, type SaturationJob, type SteadyJob } from './scenarios.ts';

/** What to run: one of the three scenarios and its size. */
export type JobSpec = ({ scenario: 'saturation' } & SaturationJob) | ({ scenario: 'steady' } & SteadyJob) | ({ scenario: 'idle' } & IdleJob);

/** A job: what to run, against which server, named how in progress lines, within what time. */
export type Job = JobSpec & { target: Target; label: string; timeoutMs: number };

const { job, deadline, log } = readJob<Job>();

const url = `http://127.0.0.1:${job.target.port}/`;
const people = job.scenario === 'idle' ? job.connections : job.clients;
const loginStart = performance.now();
const cookies = isLab(job.target.kind) ? await logInAll(url, people) : undefined;
const loginSeconds = (performance.now() - loginStart) / 1000;
if (cookies) log(`${people} people logged in in ${loginSeconds.toFixed(1)} s`);

let crowd: Crowd;
let result: object;
if (job.scenario === 'idle') {
  ({ crowd, result } = await idle(job.target, job, cookies, deadline, log));
} else {
  const connectStart = performance.now();
  crowd = await Crowd.open(job.target, job.clients, { cookies, deadline });
  const connectSeconds = (performance.now() - connectStart) / 1000;
  log(`${job.clients} clients connected in ${connectSeconds.toFixed(1)} s`);
  const measured = job.scenario === 'saturation' ? await saturation(crowd, job, log) : await steady(crowd, job, log);
  result = { ...measured, connectSeconds };
}
await answerAndLinger({ ...result, loginSeconds }, () => crowd.terminate());
