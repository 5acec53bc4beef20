import { ROLES } from '../core/message.ts';
import { Layout } from './Layout.tsx';

/** The landing page: one button per client, each opening its own window. */
export function HomePage() {
  return (
    <Layout title="Chat Lab 03">
      <main class="home">
        <h1>Chat Lab 03 · real time</h1>
        <p>Open both clients side by side: what one types appears in the other at once, over a WebSocket.</p>
        <nav>
          {ROLES.map((role) => (
            <a class="button" href={`/${role}`} target={`chat-${role}`} data-window={role}>
              Open the {role} window
            </a>
          ))}
        </nav>
      </main>
      <script src="/static/home.js" defer></script>
    </Layout>
  );
}
