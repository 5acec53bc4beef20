import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import { LANGUAGES, LANGUAGE_NAMES, t, type Language } from '../../shared/messages.js';

/** The HTML page around every screen of the lab, in `lang`, with the language switcher on top. */
export function Layout({ lang, title, children }: { lang: Language; title: string; children: Child }) {
  return (
    <>
      {html`<!doctype html>`}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title}</title>
          <link rel="stylesheet" href="/static/style.css" />
        </head>
        <body>
          <nav class="languages" aria-label={t(lang, 'languages')}>
            {LANGUAGES.map((code) => (
              <a href={`?lang=${code}`} hreflang={code} lang={code} aria-current={code === lang ? 'true' : undefined}>
                {LANGUAGE_NAMES[code]}
              </a>
            ))}
          </nav>
          {children}
        </body>
      </html>
    </>
  );
}
