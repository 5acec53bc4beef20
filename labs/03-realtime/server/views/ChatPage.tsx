import type { Role } from '../core/message.ts';
import { MAX_MESSAGE_LENGTH } from '../core/message.ts';
import { Layout } from './Layout.tsx';

/** One client's page: empty at first; `client/chat.js` fills it from the WebSocket. */
export function ChatPage({ role }: { role: Role }) {
  return (
    <Layout title={`Chat Lab 03 · ${role}`}>
      <header>
        <h1>
          Chat Lab 03 · <span class={`who from-${role}`}>{role}</span>
        </h1>
        <p class="hint">
          <span id="status" role="status">
            Connecting…
          </span>{' '}
          <span id="presence"></span> <span id="typing" class="typing"></span>
        </p>
      </header>
      <main data-role={role}>
        <ol id="messages" class="messages" aria-label="Conversation" aria-live="polite"></ol>
        <noscript>This lab needs JavaScript: the page talks to the server over a WebSocket.</noscript>
      </main>
      <footer>
        <p id="notice" class="notice" role="alert" hidden></p>
        <form id="send" class="send">
          <label for="message">Message</label>
          <input id="message" name="message" maxlength={MAX_MESSAGE_LENGTH} autocomplete="off" autofocus />
          <button type="submit">Send</button>
        </form>
        <button id="end" type="button" class="secondary">
          End chat
        </button>
      </footer>
      <script type="module" src="/static/chat.js"></script>
    </Layout>
  );
}
