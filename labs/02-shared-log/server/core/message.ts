/** What a client may send, checked before anything is written. */

/** The longest message accepted, in UTF-16 code units (what a browser's `maxlength` counts). */
export const MAX_MESSAGE_LENGTH = 2000;

/** The two clients of the chat. */
export const ROLES = ['user', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export type Checked = { ok: true; text: string } | { ok: false; code: 'empty' | 'too-long'; error: string };

/** True for a missing, empty or whitespace-only message: in this lab, a plain refresh. */
export function isBlank(raw: unknown): boolean {
  return typeof raw !== 'string' || raw.trim() === '';
}

/** Accepts a message worth writing, or says why not: a code (the page shows its sentence) and a sentence. */
export function checkMessage(raw: unknown): Checked {
  if (typeof raw !== 'string' || isBlank(raw)) {
    return { ok: false, code: 'empty', error: 'Type a message first: an empty message is not sent.' };
  }
  if (raw.length > MAX_MESSAGE_LENGTH) {
    return {
      ok: false,
      code: 'too-long',
      error: `Your message is ${raw.length} characters long; the limit is ${MAX_MESSAGE_LENGTH}. Nothing was sent.`,
    };
  }
  return { ok: true, text: raw };
}
