/**
 * `npm run lab:07:threads`: the shared-memory race, as a table. See `--help`.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { WAYS, race, type CounterResult, type Way } from './counter.ts';

const HELP = `usage: npm run lab:07:threads -- [--threads K] [--times M]

K worker threads (default 4) share one SharedArrayBuffer. Each adds 1 to a counter M times
(default 1000000), all leaving together from a start line (Atomics.wait on a flag that the main
thread sets, then Atomics.notify). The counter should end at K × M. Four ways to add:

  plain    c = c + 1             a read, an add, a write (what c++ does): two threads that
                                 read the same value both write value + 1; one update is lost
  atomic   Atomics.add           one indivisible step: nothing is lost
  pairs    a = a + 1, b = b + 1  two counters that must stay equal, plain steps, no lock:
                                 updates are lost and the threads see a ≠ b
  locked   the same, in a lock   mutex.ts: compareExchange to take it, Atomics.wait to sleep
                                 while another thread holds it: nothing lost, a = b always

The time column is the cost of each way (the machine's other work moves it).`;

const WHAT: Record<Way, string> = {
  plain: 'plain    c = c + 1',
  atomic: 'atomic   Atomics.add',
  pairs: 'pairs    a + 1, b + 1, no lock',
  locked: 'locked   a + 1, b + 1 in mutex.ts',
};

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '4' },
    times: { type: 'string', default: '1000000' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const workers = Number(values.threads);
const times = Number(values.times);
if (!Number.isInteger(workers) || workers < 1 || workers > 64 || !Number.isInteger(times) || times < 1 || workers * times > 2 ** 31 - 1) {
  console.error('--threads takes 1 to 64, --times a whole number ≥ 1, and K × M must fit in an Int32.\n');
  console.error(HELP);
  process.exit(2);
}

const n = (value: number) => value.toLocaleString('en-US');
console.log(`${workers} threads × ${n(times)} additions each: the counter should end at ${n(workers * times)}.`);
console.log(`This machine runs ${availableParallelism()} threads at once.\n`);
const rows = [['way', 'counter', 'lost', 'a = b?', 'time']];
for (const way of WAYS) rows.push(row(await race(way, { workers, times })));
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
for (const [i, cells] of rows.entries()) {
  console.log(cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   '));
  if (i === 0) console.log(widths.map((width) => '─'.repeat(width)).join('   '));
}

function row(result: CounterResult): string[] {
  const lost = result.expected - result.counter;
  const invariant = result.second === undefined ? '—' : result.broken === 0 && result.second === result.counter ? 'always' : `no: ${n(result.broken!)} times`;
  return [WHAT[result.way], n(result.counter), n(lost), invariant, `${result.ms.toFixed(0)} ms`];
}
