import type { Context } from 'hono';

/** Any unknown path: JSON under `/api`, a sentence elsewhere; `/` before the client is built says how to build it. */
export function notFound(c: Context) {
  if (c.req.path.startsWith('/api/')) return c.json({ error: `There is no ${c.req.method} ${c.req.path}.` }, 404);
  if (c.req.path === '/') return c.text('The web client is not built yet: start the lab with npm run lab:06, which builds it.', 503);
  return c.text(`Not found: ${c.req.path}`, 404);
}
