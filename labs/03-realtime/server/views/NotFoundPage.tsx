import { t, type Language } from '../../shared/messages.js';
import { Layout } from './Layout.tsx';

/** What any unknown path gets, with a 404 status. */
export function NotFoundPage({ lang, path }: { lang: Language; path: string }) {
  return (
    <Layout lang={lang} title={t(lang, 'not-found.title')}>
      <main class="home">
        <h1>{t(lang, 'not-found.title')}</h1>
        <p>
          {t(lang, 'not-found.nothing-at')} <code>{path}</code>. <a href="/">{t(lang, 'not-found.back')}</a>.
        </p>
      </main>
    </Layout>
  );
}
