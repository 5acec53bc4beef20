import { msg, str } from '@lit/localize';
import type { RoomInfo, ServerFrame } from '../../../shared/protocol.ts';
import { getLocale } from '../i18n/locale.ts';

/** `hh:mm:ss` of a time in milliseconds since 1970, on a 24-hour clock, as the page's language writes it. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** A duration with its sign, for the clock offset: `+1.2 s`, `-35 ms`. */
export function signedDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const size = Math.abs(ms);
  return size >= 1000 ? `${sign}${(size / 1000).toFixed(1)} s` : `${sign}${Math.round(size)} ms`;
}

/** The answer to a typed `#lR`, for the notice line: `Rooms: lobby (2), games (1).` */
export function roomsLine(rooms: RoomInfo[]): string {
  const list = rooms.map((room) => `${room.name} (${room.members})`).join(', ');
  return msg(str`Rooms: ${list}.`, { id: 'line.rooms' });
}

/**
 * The answer to a typed `#show users`, for the notice line: `People: ada (in lobby), bob (offline).`,
 * with the counts when there is more than one page: `People (2 online of 120, page 1 of 3): …`.
 */
export function peopleLine({ users, page, pages, online, total }: Extract<ServerFrame, { type: 'users' }>): string {
  const list = users.map((user) => (user.online ? msg(str`${user.login} (in ${user.room})`, { id: 'line.person-in' }) : msg(str`${user.login} (offline)`, { id: 'line.person-offline' }))).join(', ');
  if (pages <= 1) return msg(str`People: ${list}.`, { id: 'line.people' });
  return msg(str`People (${online} online of ${total}, page ${page + 1} of ${pages}): ${list}.`, { id: 'line.people-pages' });
}
