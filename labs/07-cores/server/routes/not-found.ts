import type { Context } from 'hono';

/**
 * Any unknown path or method: JSON under `/api`, a sentence elsewhere. A `GET /` that gets here
 * found no built client, so it says how to build one; other methods on `/` are a plain 404.
 */
export function notFound(c: Context) {
  if (c.req.path.startsWith('/api/')) return c.json({ error: `There is no ${c.req.method} ${c.req.path}.` }, 404);
  if (c.req.path === '/' && (c.req.method === 'GET' || c.req.method === 'HEAD')) return c.text('The web client is not built yet: start the lab with npm run lab:07, which builds it.', 503);
  return c.text(`Not found: ${c.req.path}`, 404);
}
