import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isLanguage, pickLanguage, type Language } from '../shared/messages.js';

/** The cookie that remembers the language picked with the switcher, e.g. `lang=es`. */
const COOKIE = 'lang';
const ONE_YEAR_S = 365 * 24 * 60 * 60;

/**
 * The languages of an `Accept-Language` header, most wanted first:
 * `pt-BR,pt;q=0.9,en;q=0.8` gives `['pt-BR', 'pt', 'en']`. Languages with `q=0` are left out.
 */
export function acceptedLanguages(header = ''): string[] {
  return header
    .split(',')
    .map((part) => {
      const [tag = '', ...options] = part.split(';').map((piece) => piece.trim());
      const q = options.find((option) => option.startsWith('q='));
      return { tag, weight: q === undefined ? 1 : Number(q.slice(2)) || 0 };
    })
    .filter(({ tag, weight }) => tag !== '' && weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .map(({ tag }) => tag);
}

/** The language of this request's page: the switcher's `?lang=`, the `lang` cookie, then the browser's languages. */
export function languageOf(c: Context): Language {
  const saved = [c.req.query('lang'), getCookie(c, COOKIE)].find(isLanguage);
  return pickLanguage(saved, acceptedLanguages(c.req.header('accept-language')));
}

/** Remembers a language picked with the switcher (a link to `?lang=es`) in a cookie, for every page after. */
export const rememberLanguage: MiddlewareHandler = async (c, next) => {
  const picked = c.req.query('lang');
  if (isLanguage(picked)) setCookie(c, COOKIE, picked, { path: '/', maxAge: ONE_YEAR_S, sameSite: 'Lax' });
  await next();
};
