import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { Resume } from '../core/chat.ts';
import { ROOM_NAME } from '../../shared/commands.ts';
import { SESSION_COOKIE, readCookie } from '../accounts/sessions.ts';
import { Admission } from './admission.ts';
import { checkHost } from './host-check.ts';
import type { Hub } from './hub.ts';
import { WsConnection } from './ws-connection.ts';

export type UpgradeCheck = { ok: true; login: string; session: string; resume: Resume } | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

const SEQ = /^\d{1,9}$/;

/**
 * Decides whether an upgrade request may become a chat connection: the path must be `/ws`, the
 * `Host` a name of this server (see {@link checkHost}: against DNS rebinding), a browser's
 * `Origin` this server (so no other site's page can connect in your name), the session cookie
 * must belong to a logged-in person, and the resume point, if any, well formed.
 */
export function checkUpgrade(url: string | undefined, headers: IncomingHttpHeaders, loginFor: (session: string | undefined) => string | undefined): UpgradeCheck {
  const { pathname, searchParams } = new URL(url ?? '/', 'http://upgrade.invalid');
  if (pathname !== '/ws') return { ok: false, status: 404, reason: 'WebSockets live at /ws.' };
  const host = checkHost(headers.host);
  if (!host.ok) return { ok: false, status: 403, reason: host.reason };
  if (headers.origin !== undefined && headers.origin !== `http://${headers.host}` && headers.origin !== `https://${headers.host}`) {
    return { ok: false, status: 403, reason: `Origin ${headers.origin} may not connect to this server.` };
  }
  const session = readCookie(headers.cookie, SESSION_COOKIE);
  const login = loginFor(session);
  if (!login || !session) return { ok: false, status: 401, reason: 'Log in first: the chat needs your session cookie.' };
  const room = searchParams.get('room');
  const after = searchParams.get('after');
  if ((room !== null && !ROOM_NAME.test(room)) || (after !== null && !SEQ.test(after))) {
    return { ok: false, status: 400, reason: 'room must be a room name and after a sequence number.' };
  }
  return { ok: true, login, session, resume: { room: room ?? undefined, after: after === null ? undefined : Number(after) } };
}

/**
 * The HTTP server's `upgrade` listener: once the primary said whose session the cookie holds,
 * requests are checked and join the hub, or get an HTTP error, a few per turn of the event loop
 * (see {@link Admission}); so does a person who reconnects too often (429, with `Retry-After`).
 */
export function upgradeHandler(wss: WebSocketServer, hub: Hub, loginFor: (session: string | undefined) => Promise<string | undefined>) {
  const admission = new Admission();
  return async function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', destroySocket);
    const login = await loginFor(readCookie(request.headers.cookie, SESSION_COOKIE)).catch(() => undefined);
    admission.add(() => {
      const check = checkUpgrade(request.url, request.headers, () => login);
      if (!check.ok) return refuse(socket, check.status, check.reason);
      const wait = hub.mayConnect(check.login);
      if (wait > 0) return refuse(socket, 429, `Too many connections: try again in ${wait} s.`, wait);
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.off('error', destroySocket); // ws listens for the socket's errors from now on
        wss.emit('connection', ws, request);
        hub.join(new WsConnection(hub, ws, socket, check.login, check.session), check.resume);
      });
    });
  };
}

/**
 * The TCP socket's `error` listener until the handshake is done: closes a socket that fails (a
 * client that vanished mid-handshake). One function for every socket, as Node calls a listener
 * with `this` set to the emitter: an arrow written in `onUpgrade` would be a closure, and a closure
 * keeps alive every variable its call shares with other closures (`request`, `head`: about 2 KiB).
 */
function destroySocket(this: Duplex): void {
  this.destroy();
}

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

function refuse(socket: Duplex, status: keyof typeof STATUS_TEXT, reason: string, retryAfterSeconds?: number): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      (retryAfterSeconds ? `Retry-After: ${retryAfterSeconds}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
