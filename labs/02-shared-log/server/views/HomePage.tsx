import { roleName, t, type Language } from '../../shared/messages.js';
import { ROLES } from '../core/message.ts';
import { Layout } from './Layout.tsx';

/** The landing page: one button per client, each opening its own window. */
export function HomePage({ lang }: { lang: Language }) {
  return (
    <Layout lang={lang} title="Chat Lab 02">
      <main class="home">
        <h1>Chat Lab 02 · {t(lang, 'home.title')}</h1>
        <p>{t(lang, 'home.intro')}</p>
        <nav>
          {ROLES.map((role) => (
            <a class="button" href={`/${role}`} target={`chat-${role}`} data-window={role}>
              {t(lang, 'home.open', { role: roleName(lang, role) })}
            </a>
          ))}
        </nav>
      </main>
      <script src="/static/home.js" defer></script>
    </Layout>
  );
}
