import type { Entry } from '../../../shared/protocol.ts';

/** A line of the message list: one entry, or a run of join and leave notices told in one line. */
export type Row = { kind: 'entry'; entry: Entry } | { kind: 'comings'; key: number; time: number; text: string; count: number };

/** "ada joined", "ada left", "ada left for study": the notices the server writes when people come and go. */
const COMING = /^(\S+) (joined|left)(?: for \S+)?$/;

/**
 * The entries as the list shows them: each run of two or more join and leave notices in a row
 * becomes one line ("ada, bob and 3 others joined · cy came and went"), so a few reloads do not
 * swamp the conversation. Display only: the entries and the log keep every notice.
 */
export function collapseComings(entries: Entry[]): Row[] {
  const rows: Row[] = [];
  let run: Entry[] = [];
  const flush = () => {
    if (run.length === 1) rows.push({ kind: 'entry', entry: run[0]! });
    else if (run.length > 1) rows.push({ kind: 'comings', key: run[0]!.seq, time: run.at(-1)!.time, text: comingsLine(run), count: run.length });
    run = [];
  };
  for (const entry of entries) {
    if (entry.kind === 'notice' && COMING.test(entry.text)) {
      run.push(entry);
      continue;
    }
    flush();
    rows.push({ kind: 'entry', entry });
  }
  flush();
  return rows;
}

/** One line for a run of join and leave notices: each person once, by what they did first and last. */
export function comingsLine(run: Entry[]): string {
  const first = new Map<string, string>();
  const last = new Map<string, string>();
  for (const { text } of run) {
    const [, who, did] = COMING.exec(text)!;
    if (!first.has(who!)) first.set(who!, did!);
    last.set(who!, did!);
  }
  const groups: Record<string, string[]> = { joined: [], 'came back': [], 'came and went': [], left: [] };
  for (const [who, did] of first) {
    const end = last.get(who)!;
    const group = did === end ? did : did === 'joined' ? 'came and went' : 'came back';
    groups[group]!.push(who);
  }
  return Object.entries(groups)
    .filter(([, people]) => people.length > 0)
    .map(([did, people]) => `${names(people)} ${did}`)
    .join(' · ');
}

/** "ada", "ada and bob", "ada, bob and cy", "ada, bob and 3 others". */
function names(people: string[]): string {
  if (people.length === 1) return people[0]!;
  if (people.length <= 3) return `${people.slice(0, -1).join(', ')} and ${people.at(-1)}`;
  return `${people[0]}, ${people[1]} and ${people.length - 2} others`;
}
