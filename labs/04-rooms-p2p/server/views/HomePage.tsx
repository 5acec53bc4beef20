import { Layout } from './Layout.tsx';

/** The landing page, until the Lit web UI takes its place. */
export function HomePage() {
  return (
    <Layout title="Chat Lab 04">
      <main class="home">
        <h1>Chat Lab 04 · rooms, the n-gate and peer-to-peer messages</h1>
        <p>
          This server speaks the protocol in <code>labs/04-rooms-p2p/PROTOCOL.md</code>: register and log in at <code>/api</code>, then chat over
          the WebSocket at <code>/ws</code>.
        </p>
      </main>
    </Layout>
  );
}
