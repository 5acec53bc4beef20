/**
 * The load generator for terminals: `load/generator.ts`, with a crowd of raw TCP connections
 * (`tcp-crowd.ts`) instead of WebSockets, running the same scenarios, (a) saturation and (b)
 * steady, with the same steps. A process of its own, pinned to its own core when taskset exists;
 * prints `{"result": …}` on one line, then keeps its connections open until its stdin closes.
 *
 *   node --import tsx bench/tcp/tcp-generator.ts '{"scenario":"steady","target":{…},…}'
 */
import { performance } from 'node:perf_hooks';
import { answerAndLinger, readJob } from '../lib/job.ts';
import type { Crowd, Target } from '../load/crowd.ts';
import { saturation, steady, type SaturationJob, type SteadyJob } from '../load/scenarios.ts';
import { TcpCrowd } from './tcp-crowd.ts';

export type TcpJob = (({ scenario: 'saturation' } & SaturationJob) | ({ scenario: 'steady' } & SteadyJob)) & { target: Target; label: string; timeoutMs: number };

const { job, deadline, log } = readJob<TcpJob>();

const connectStart = performance.now();
const tcp = await TcpCrowd.open(job.target, job.clients, { deadline });
const connectSeconds = (performance.now() - connectStart) / 1000;
log(`${job.clients} terminals logged in in ${connectSeconds.toFixed(1)} s`);
// The scenarios use only what `CrowdLike` names, which the TCP crowd has too.
const crowd = tcp as unknown as Crowd;
const measured = job.scenario === 'saturation' ? await saturation(crowd, job, log) : await steady(crowd, job, log);
await answerAndLinger({ ...measured, connectSeconds, loginSeconds: 0 }, () => tcp.terminate());
