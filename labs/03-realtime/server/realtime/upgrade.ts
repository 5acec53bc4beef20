import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { ROLES, type Role } from '../core/message.ts';
import { checkHost } from './host-check.ts';
import type { Hub, Resume } from './hub.ts';

export type UpgradeCheck = { ok: true; role: Role; resume: Resume } | { ok: false; status: 400 | 403 | 404; reason: string };

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEQ = /^\d{1,9}$/;

/**
 * Decides whether an upgrade request may become a chat connection: the path must be `/ws`, the
 * `Host` a name of this server (see {@link checkHost}: against DNS rebinding), a browser's
 * `Origin` this server (so no other site's page can connect in your name), the role `user` or
 * `agent`, and the resume point, if any, well formed.
 */
export function checkUpgrade(url: string | undefined, headers: IncomingHttpHeaders): UpgradeCheck {
  const { pathname, searchParams } = new URL(url ?? '/', 'http://upgrade.invalid');
  if (pathname !== '/ws') return { ok: false, status: 404, reason: 'WebSockets live at /ws.' };
  const host = checkHost(headers.host);
  if (!host.ok) return { ok: false, status: 403, reason: host.reason };
  if (headers.origin !== undefined && headers.origin !== `http://${headers.host}` && headers.origin !== `https://${headers.host}`) {
    return { ok: false, status: 403, reason: `Origin ${headers.origin} may not connect to this server.` };
  }
  const role = searchParams.get('role') as Role;
  if (!ROLES.includes(role)) return { ok: false, status: 400, reason: 'Say who you are: /ws?role=user or /ws?role=agent.' };
  const session = searchParams.get('session');
  const after = searchParams.get('after');
  if ((session !== null && !SESSION_ID.test(session)) || (after !== null && !SEQ.test(after))) {
    return { ok: false, status: 400, reason: 'session must be a session id and after a sequence number.' };
  }
  return { ok: true, role, resume: { session: session ?? undefined, after: after === null ? undefined : Number(after) } };
}

/**
 * The HTTP server's `upgrade` listener: checked requests join the hub, others get an HTTP error;
 * so does a window that reconnects too often (429, with `Retry-After`). A window is known by its
 * role and its address: nothing else tells two windows apart in this lab.
 */
export function upgradeHandler(wss: WebSocketServer, hub: Hub) {
  return function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const check = checkUpgrade(request.url, request.headers);
    if (!check.ok) return refuse(socket, check.status, check.reason);
    const person = `${check.role} at ${request.socket.remoteAddress ?? 'unknown'}`;
    const wait = hub.mayConnect(person);
    if (wait > 0) return refuse(socket, 429, `Too many connections: try again in ${wait} s.`, wait);
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit('connection', ws, request);
      hub.join(ws, check.role, person, check.resume);
    });
  };
}

const STATUS_TEXT = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

function refuse(socket: Duplex, status: keyof typeof STATUS_TEXT, reason: string, retryAfterSeconds?: number): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      (retryAfterSeconds ? `Retry-After: ${retryAfterSeconds}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
