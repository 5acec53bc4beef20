/**
 * How big each scenario is: the full run's numbers (about 15 minutes on a 2-core machine, four
 * servers), and smaller ones for `--quick` (about 2 minutes).
 */
import type { SaturationJob, SteadyJob } from '../load/scenarios.ts';

export interface Scale {
  name: 'full' | 'quick';
  /** (a) N=100 clients, 10 of them sending; the rate is raised until the server saturates. */
  saturation: SaturationJob;
  /**
   * (b) N=1000 clients, 50 of them sending 50 messages a second in all, for 10 s, in `rounds`
   * fresh servers of each kind: each figure is the median of the rounds.
   */
  steady: SteadyJob & { rounds: number };
  /**
   * (c) C=5000 idle connections; memory is read at `points` counts on the way up, in `rounds`
   * fresh servers of each kind: the round with the median RSS per connection is reported.
   */
  idle: { connections: number; points: number; rounds: number };
  /** Lab 02 polling against lab 03 push. */
  labs: {
    /** Lab 02's polling intervals tried, in ms. */
    pollIntervalsMs: number[];
    /** Messages timed for each interval, and for push. */
    messages: number;
    /** Log sizes, in lines, at which a refresh is timed. */
    logLines: number[];
    /** Refreshes timed at each size. */
    refreshes: number;
  };
}

export const FULL: Scale = {
  name: 'full',
  saturation: { clients: 100, senders: 10, startRate: 250, seconds: 3, drainMs: 2000, maxSteps: 10, lowRate: 20 },
  steady: { clients: 1000, senders: 50, rate: 50, seconds: 10, drainMs: 5000, rounds: 3 },
  idle: { connections: 5000, points: 8, rounds: 3 },
  labs: { pollIntervalsMs: [2000, 1000, 250], messages: 30, logLines: [1_000, 10_000, 100_000], refreshes: 300 },
};

export const QUICK: Scale = {
  name: 'quick',
  saturation: { clients: 100, senders: 10, startRate: 1000, seconds: 0.8, drainMs: 1000, maxSteps: 5, lowRate: 20 },
  steady: { clients: 300, senders: 30, rate: 50, seconds: 2, drainMs: 2000, rounds: 1 },
  idle: { connections: 1000, points: 2, rounds: 1 },
  labs: { pollIntervalsMs: [1000, 250], messages: 6, logLines: [1_000, 10_000, 100_000], refreshes: 40 },
};
