import { roleName, t, type Language } from '../../shared/messages.js';
import type { LogEntry } from '../core/log-format.ts';
import type { Role } from '../core/message.ts';
import { MAX_MESSAGE_LENGTH } from '../core/message.ts';
import { Layout } from './Layout.tsx';
import { MessageList } from './MessageList.tsx';

export interface ChatPageProps {
  lang: Language;
  role: Role;
  entries: LogEntry[];
  /** A sentence to show above the form, e.g. why a message was refused. */
  notice?: string;
  /** What the person had typed, given back when it was refused. */
  draft?: string;
}

/** One client's page: the shared conversation, and a form that posts to it and refreshes it. */
export function ChatPage({ lang, role, entries, notice, draft = '' }: ChatPageProps) {
  return (
    <Layout lang={lang} title={`Chat Lab 02 · ${roleName(lang, role)}`}>
      <header>
        <h1>
          Chat Lab 02 · <span class={`who from-${role}`}>{roleName(lang, role)}</span>
        </h1>
        <p class="hint">{t(lang, 'chat.hint', { file: 'chat.log' })}</p>
      </header>
      <main>
        <MessageList lang={lang} entries={entries} role={role} />
      </main>
      <footer>
        {notice && (
          <p class="notice" role="alert">
            {notice}
          </p>
        )}
        <form method="post" class="send">
          <label for="message">{t(lang, 'chat.message')}</label>
          <input id="message" name="message" value={draft} maxlength={MAX_MESSAGE_LENGTH} autocomplete="off" autofocus />
          <button type="submit">{t(lang, 'chat.send')}</button>
        </form>
        <form method="post" action={`/${role}/end`}>
          <button type="submit" class="secondary">
            {t(lang, 'chat.end')}
          </button>
        </form>
      </footer>
    </Layout>
  );
}
