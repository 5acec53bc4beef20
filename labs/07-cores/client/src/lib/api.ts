/** The accounts API (see PROTOCOL.md), for the browser. */
import { msg, str } from '@lit/localize';
import type { FieldCodes, FieldErrors, PublicAccount } from '../../../shared/accounts.ts';
import type { RtcSettings } from '../../../shared/rtc.ts';

/**
 * What went wrong: one sentence, and one per field when the server named fields; with the
 * server's codes, for the page to say it in its own language (`minutes`: the wait of a `too-many`).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly fields: FieldErrors = {},
    readonly codes: FieldCodes = {},
    readonly code?: string,
    readonly minutes?: number,
  ) {
    super(message);
  }
}

async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<{ account: PublicAccount } | undefined> {
  const response = await fetch(`/api${path}`, {
    method,
    headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  if (response.status === 204) return undefined;
  const reply = (await response.json().catch(() => ({}))) as { account?: PublicAccount; error?: string; code?: string; minutes?: number; errors?: FieldErrors; codes?: FieldCodes };
  if (response.ok && reply.account) return { account: reply.account };
  const fields = reply.errors ?? {};
  throw new ApiError(reply.error ?? (Object.values(fields)[0] as string | undefined) ?? msg(str`The server answered ${response.status}.`, { id: 'api-error.status' }), fields, reply.codes, reply.code, reply.minutes);
}

export const api = {
  /** The logged-in person; null when not logged in. Rejects when the server cannot be reached or answers an error. */
  me: async (): Promise<PublicAccount | null> => {
    const response = await fetch('/api/me');
    if (!response.ok) throw new ApiError(msg(str`The server answered ${response.status}.`, { id: 'api-error.status' }));
    return ((await response.json()) as { account: PublicAccount | null }).account;
  },
  register: (form: Record<string, unknown>) => call('POST', '/register', form),
  login: (login: string, password: string) => call('POST', '/login', { login, password }).then((reply) => reply!.account),
  logout: () => call('POST', '/logout'),
  /** The lab's STUN port, for the direct links. */
  rtc: async (): Promise<RtcSettings> => (await fetch('/api/rtc')).json() as Promise<RtcSettings>,
};
