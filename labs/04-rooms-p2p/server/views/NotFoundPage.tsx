import { Layout } from './Layout.tsx';

/** What any unknown path gets, with a 404 status. */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <Layout title="Not found">
      <main class="home">
        <h1>Not found</h1>
        <p>
          There is nothing at <code>{path}</code>. <a href="/">Back to the start</a>.
        </p>
      </main>
    </Layout>
  );
}
