import { ROLES } from '../core/message.ts';
import { Layout } from './Layout.tsx';

/** The landing page: one button per client, each opening its own window. */
export function HomePage() {
  return (
    <Layout title="Chat Lab 01">
      <main class="home">
        <h1>Chat Lab 01 · two clients, two logs</h1>
        <p>Open both clients side by side, send a message from each, and see who gets what.</p>
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
