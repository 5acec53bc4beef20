import type { RoomInfo, ServerFrame } from '../../../shared/protocol.ts';

/** `hh:mm:ss` of a time in milliseconds since 1970, on a 24-hour clock. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** A duration with its sign, for the clock offset: `+1.2 s`, `-35 ms`. */
export function signedDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const size = Math.abs(ms);
  return size >= 1000 ? `${sign}${(size / 1000).toFixed(1)} s` : `${sign}${Math.round(size)} ms`;
}

/** The answer to a typed `#lR`, for the notice line: `Rooms: lobby (2), games (1).` */
export function roomsLine(rooms: RoomInfo[]): string {
  return `Rooms: ${rooms.map((room) => `${room.name} (${room.members})`).join(', ')}.`;
}

/**
 * The answer to a typed `#show users`, for the notice line: `People: ada (in lobby), bob (offline).`,
 * with the counts when there is more than one page: `People (2 online of 120, page 1 of 3): …`.
 */
export function peopleLine({ users, page, pages, online, total }: Extract<ServerFrame, { type: 'users' }>): string {
  const counts = pages > 1 ? ` (${online} online of ${total}, page ${page + 1} of ${pages})` : '';
  return `People${counts}: ${users.map((user) => `${user.login} (${user.online ? `in ${user.room}` : 'offline'})`).join(', ')}.`;
}
