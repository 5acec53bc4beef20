import { isIP } from 'node:net';
import { hostname } from 'node:os';

export type HostCheck = { ok: true } | { ok: false; reason: string };

/** A Host header: a name or `[IPv6]`, then maybe `:port`. */
const HOST = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::\d{1,5})?$/;

/**
 * Whether a request's `Host` header names this server: an IP address (v4, or v6 in brackets),
 * `localhost`, or this computer's name (`machine`, or `machine.local`), in any case.
 *
 * Why: a page at `http://evil.example:3000` may get its name re-pointed to 127.0.0.1 after it
 * loaded (*DNS rebinding*). The browser then sends that page's requests to this server, with
 * `Host: evil.example:3000` and a matching `Origin`, so comparing the two proves nothing. An IP
 * address is not looked up at all, and `localhost` and this computer's own name are looked up on
 * this computer, not in someone else's DNS: none of them can be re-pointed by a stranger.
 */
export function checkHost(host: string | undefined, machine = hostname()): HostCheck {
  const match = HOST.exec(host ?? '');
  if (!match) return { ok: false, reason: 'Host must name this server, e.g. Host: 127.0.0.1:3000.' };
  const [, v6, name] = match;
  if (v6 !== undefined ? isIP(v6) === 6 : isIP(name!) === 4 || isThisComputer(name!, machine)) return { ok: true };
  return {
    ok: false,
    reason: `Host ${v6 === undefined ? name : `[${v6}]`} is not this server: open it by its address (such as 127.0.0.1, or its LAN address), as localhost, or as ${machine}.local.`,
  };
}

function isThisComputer(name: string, machine: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower === machine.toLowerCase() || lower === `${machine.toLowerCase()}.local`;
}
