import { Hono, type Context } from 'hono';
import { languageOf } from '../language.ts';
import { HomePage } from '../views/HomePage.tsx';
import { NotFoundPage } from '../views/NotFoundPage.tsx';

function showHome(c: Context) {
  return c.html(<HomePage lang={languageOf(c)} />);
}

/** `GET /`: the landing page. */
export const home = new Hono().get('/', showHome);

/** Any unknown path: a 404 page. */
export function notFound(c: Context) {
  return c.html(<NotFoundPage lang={languageOf(c)} path={c.req.path} />, 404);
}
