import { msg, str } from '@lit/localize';
import type { Entry } from '../../../shared/protocol.ts';
import { plural } from '../i18n/texts.ts';

/** A line of the message list: one entry, or a run of join and leave notices told in one line. */
export type Row = { kind: 'entry'; entry: Entry } | { kind: 'comings'; key: number; time: number; text: string; count: number };

/** "ada joined", "ada left", "ada left for study": the notices the server writes (in English) when people come and go. */
const COMING = /^(\S+) (joined|left)(?: for (\S+))?$/;

/** "Room games was deleted (ada deleted it); …": the notice to a deleted room, and (with ":") the info to each of its members. */
const DELETED = /^Room (\S+) was deleted \((\S+)(, who created it, left| deleted it)\)(;|:) (?:everyone here goes back to the lobby|you are back in the lobby)\.$/;

/** The server's answer to `#eR` in the lobby. */
const LOBBY_ALREADY = 'You are in the lobby already: #eR only leaves other rooms.';

/** A notice of the server in the page's language: someone came or went, a room was deleted; any other notice as it is. */
export function noticeText(text: string): string {
  const [, who, did, room] = COMING.exec(text) ?? [];
  if (who === undefined) return deletedText(text) ?? text;
  if (room !== undefined) return msg(str`${who} left for ${room}`, { id: 'notice.left-for' });
  return did === 'joined' ? didText('joined', 1, who) : didText('left', 1, who);
}

/** An `info` frame of the server in the page's language; one the page does not know as it is. */
export function infoText(text: string): string {
  if (text === LOBBY_ALREADY) return msg('You are in the lobby already: #eR only leaves other rooms.', { id: 'info.lobby-already' });
  return deletedText(text) ?? text;
}

function deletedText(text: string): string | undefined {
  const [, room, who, why, end] = DELETED.exec(text) ?? [];
  if (room === undefined) return undefined;
  if (end === ';') {
    return why === ' deleted it'
      ? msg(str`Room ${room} was deleted (${who} deleted it); everyone here goes back to the lobby.`, { id: 'notice.deleted' })
      : msg(str`Room ${room} was deleted (${who}, who created it, left); everyone here goes back to the lobby.`, { id: 'notice.deleted-creator-left' });
  }
  return why === ' deleted it'
    ? msg(str`Room ${room} was deleted (${who} deleted it): you are back in the lobby.`, { id: 'info.deleted' })
    : msg(str`Room ${room} was deleted (${who}, who created it, left): you are back in the lobby.`, { id: 'info.deleted-creator-left' });
}

type Did = 'joined' | 'came back' | 'came and went' | 'left';

/** "ada joined", "ada and bob came back": `who` names `count` people, and the verb agrees with them. */
function didText(did: Did, count: number, who: string): string {
  switch (did) {
    case 'joined':
      return plural(count, msg(str`${who} joined`, { id: 'notice.joined-one' }), msg(str`${who} joined`, { id: 'notice.joined-other' }));
    case 'came back':
      return plural(count, msg(str`${who} came back`, { id: 'notice.came-back-one' }), msg(str`${who} came back`, { id: 'notice.came-back-other' }));
    case 'came and went':
      return plural(count, msg(str`${who} came and went`, { id: 'notice.came-and-went-one' }), msg(str`${who} came and went`, { id: 'notice.came-and-went-other' }));
    case 'left':
      return plural(count, msg(str`${who} left`, { id: 'notice.left-one' }), msg(str`${who} left`, { id: 'notice.left-other' }));
  }
}

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
  const groups: Record<Did, string[]> = { joined: [], 'came back': [], 'came and went': [], left: [] };
  for (const [who, did] of first) {
    const end = last.get(who)!;
    const group = did === end ? did : did === 'joined' ? 'came and went' : 'came back';
    groups[group as Did].push(who);
  }
  return (Object.entries(groups) as [Did, string[]][])
    .filter(([, people]) => people.length > 0)
    .map(([did, people]) => didText(did, people.length, names(people)))
    .join(' · ');
}

/** "ada", "ada and bob", "ada, bob and cy", "ada, bob and 3 others". */
function names(people: string[]): string {
  if (people.length === 1) return people[0]!;
  if (people.length <= 3) return msg(str`${people.slice(0, -1).join(', ')} and ${people.at(-1)}`, { id: 'notice.names' });
  return msg(str`${people[0]}, ${people[1]} and ${people.length - 2} others`, { id: 'notice.names-others' });
}
