import { Hono, type Context } from 'hono';
import type { Role } from '../core/message.ts';
import { languageOf } from '../language.ts';
import { ChatPage } from '../views/ChatPage.tsx';

/**
 * One client's page, mounted at `/user` or `/agent`. It is only a shell: `client/chat.js` opens
 * the WebSocket, shows the conversation and sends messages.
 */
export function clientRoutes(role: Role) {
  function showPage(c: Context) {
    return c.html(<ChatPage lang={languageOf(c)} role={role} />);
  }

  return new Hono().get('/', showPage);
}
