import { html } from 'hono/html';
import type { Child } from 'hono/jsx';

/** The HTML page around every screen of the lab. */
export function Layout({ title, children }: { title: string; children: Child }) {
  return (
    <>
      {html`<!doctype html>`}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title}</title>
          <link rel="stylesheet" href="/static/style.css" />
        </head>
        <body>{children}</body>
      </html>
    </>
  );
}
