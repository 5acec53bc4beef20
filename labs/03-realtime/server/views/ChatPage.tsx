import { roleName, t, type Language } from '../../shared/messages.js';
import type { Role } from '../core/message.ts';
import { MAX_MESSAGE_LENGTH } from '../core/message.ts';
import { Layout } from './Layout.tsx';

/** One client's page: empty at first; `client/chat.js` fills it from the WebSocket, in the page's `lang`. */
export function ChatPage({ lang, role }: { lang: Language; role: Role }) {
  return (
    <Layout lang={lang} title={`Chat Lab 03 · ${roleName(lang, role)}`}>
      <header>
        <h1>
          Chat Lab 03 · <span class={`who from-${role}`}>{roleName(lang, role)}</span>
        </h1>
        <p class="hint">
          <span id="status" role="status">
            {t(lang, 'status.connecting')}
          </span>{' '}
          <span id="presence"></span> <span id="typing" class="typing"></span>
        </p>
      </header>
      <main data-role={role}>
        <ol id="messages" class="messages" aria-label={t(lang, 'chat.conversation')} aria-live="polite"></ol>
        <noscript>{t(lang, 'chat.noscript')}</noscript>
      </main>
      <footer>
        <p id="notice" class="notice" role="alert" hidden></p>
        <form id="send" class="send">
          <label for="message">{t(lang, 'chat.message')}</label>
          <input id="message" name="message" maxlength={MAX_MESSAGE_LENGTH} autocomplete="off" autofocus />
          <button type="submit">{t(lang, 'chat.send')}</button>
        </form>
        <button id="end" type="button" class="secondary">
          {t(lang, 'chat.end')}
        </button>
      </footer>
      <script type="module" src="/static/chat.js"></script>
    </Layout>
  );
}
