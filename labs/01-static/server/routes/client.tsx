import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { eventLine, messageLine, parseLog } from '../core/log-format.ts';
import { MAX_MESSAGE_LENGTH, checkMessage, type Role } from '../core/message.ts';
import { t } from '../../shared/messages.js';
import { languageOf } from '../language.ts';
import type { LogFile } from '../log-file.ts';
import { ChatPage } from '../views/ChatPage.tsx';

/** A form post larger than this is refused before it is read (a 2000-character message fits). */
const MAX_BODY_BYTES = 64 * 1024;

export interface ClientDeps {
  log: LogFile;
  now: () => Date;
}

/**
 * One client's pages, mounted at `/user` or `/agent`:
 * `GET /` shows its log, `POST /` appends a message, `POST /end` appends an end-of-chat line.
 */
export function clientRoutes(role: Role, { log, now }: ClientDeps) {
  async function render(c: Context, status: 200 | 413 | 422 = 200, notice?: string, draft?: string) {
    const entries = parseLog(await log.read());
    return c.html(<ChatPage lang={languageOf(c)} role={role} entries={entries} notice={notice} draft={draft} />, status);
  }

  function showPage(c: Context) {
    return render(c);
  }

  async function sendMessage(c: Context) {
    const { message } = await c.req.parseBody();
    const checked = checkMessage(message);
    if (!checked.ok) {
      const draft = typeof message === 'string' ? message : '';
      return render(c, 422, t(languageOf(c), `error.${checked.code}`, { length: draft.length, limit: MAX_MESSAGE_LENGTH }), draft);
    }
    await log.append(messageLine(now(), role, checked.text));
    return c.redirect(`/${role}`, 303);
  }

  async function endChat(c: Context) {
    await log.append(eventLine(now(), `${role} ended the chat`));
    return c.redirect(`/${role}`, 303);
  }

  const tooLarge = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => render(c, 413, t(languageOf(c), 'error.too-large')),
  });

  return new Hono().get('/', showPage).post('/', tooLarge, sendMessage).post('/end', endChat);
}
