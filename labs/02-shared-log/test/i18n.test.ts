import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { LANGUAGES, MESSAGES, eventText, pickLanguage, roleName, t } from '../shared/messages.js';
import { createApp } from '../server/app.ts';
import { acceptedLanguages } from '../server/language.ts';
import { LogFile } from '../server/log-file.ts';
import { startServer } from '../server/server.ts';

const now = () => new Date(2026, 10, 22, 14, 3, 7);

async function setup(t: TestContext) {
  const path = join(await tempDir(t, 'lab02-i18n'), 'chat.log');
  const log = new LogFile(path);
  t.after(() => log.close());
  const app = createApp({ log, now });
  const get = async (at: string, headers: Record<string, string> = {}) => (await app.request(at, { headers })).text();
  return { app, path, get };
}

describe('02 shared log: languages', () => {
  it('picks the saved language, else the first browser language that matches by prefix, else English', () => {
    assert.equal(pickLanguage(undefined, ['es-CL', 'en']), 'es');
    assert.equal(pickLanguage(undefined, ['fr-FR', 'PT-br', 'es']), 'pt');
    assert.equal(pickLanguage('es', ['pt-BR']), 'es');
    assert.equal(pickLanguage(undefined, ['fr', 'de', '*']), 'en');
    assert.equal(pickLanguage(undefined, []), 'en');
    for (const odd of ['', 'ES', 'es-CL', 'de', '<script>', '../../etc', 'constructor', 42, null]) {
      assert.equal(pickLanguage(odd, []), 'en', String(odd));
    }
  });

  it('reads Accept-Language most wanted first, leaving out q=0', () => {
    assert.deepEqual(acceptedLanguages('pt-BR,pt;q=0.9,en;q=0.8'), ['pt-BR', 'pt', 'en']);
    assert.deepEqual(acceptedLanguages('en;q=0.5, es-CO ;q=0.9, pt;q=0'), ['es-CO', 'en']);
    assert.deepEqual(acceptedLanguages(''), []);
    assert.deepEqual(acceptedLanguages(), []);
  });

  it('has every sentence in every language, with the same placeholders', () => {
    for (const [key, sentences] of Object.entries(MESSAGES)) {
      const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map(String).sort();
      for (const lang of LANGUAGES) {
        assert.ok(sentences[lang].trim() !== '', `${key} in ${lang}`);
        assert.deepEqual(placeholders(sentences[lang]), placeholders(sentences.en), `${key} in ${lang}`);
      }
    }
  });

  it('fills placeholders, names roles and translates the log\'s English events', () => {
    assert.equal(t('es', 'error.too-long', { length: 2001, limit: 2000 }), 'Tu mensaje tiene 2001 caracteres; el límite es 2000. No se envió nada.');
    assert.deepEqual(['en', 'es', 'pt'].map((lang) => roleName(lang as 'en', 'agent')), ['agent', 'agente', 'atendente']);
    assert.deepEqual(['en', 'es', 'pt'].map((lang) => roleName(lang as 'en', 'user')), ['user', 'usuario', 'usuário']);
    assert.equal(eventText('es', 'user ended the chat'), 'usuario terminó el chat');
    assert.equal(eventText('pt', 'agent ended the chat'), 'atendente encerrou o chat');
    assert.equal(eventText('pt', '3 line(s) lost here: the log could not be written'), '3 linha(s) perdida(s) aqui: não foi possível escrever o log');
    assert.equal(eventText('es', 'something else happened'), 'something else happened');
  });
});

describe('02 shared log: pages in three languages', () => {
  it('renders the browser\'s language by prefix: es-CL in Spanish, pt-BR in Portuguese, others in English', async (t) => {
    const { get } = await setup(t);
    const es = await get('/', { 'accept-language': 'es-CL,es;q=0.9,en;q=0.8' });
    assert.match(es, /<html lang="es">/);
    assert.match(es, /Abrir la ventana del usuario/);
    assert.match(es, /Abrir la ventana del agente/);
    const pt = await get('/user', { 'accept-language': 'pt-BR' });
    assert.match(pt, /<html lang="pt">/);
    assert.match(pt, /<label for="message">Mensagem<\/label>/);
    assert.match(pt, />Enviar\/Atualizar<\/button>/);
    assert.match(pt, /Encerrar chat/);
    assert.match(pt, /Chat Lab 02 · <span class="who from-user">usuário<\/span>/);
    const fr = await get('/agent', { 'accept-language': 'fr-FR,de;q=0.5' });
    assert.match(fr, /<html lang="en">/);
    assert.match(fr, /End chat/);
    assert.match(await get('/nope', { 'accept-language': 'es' }), /No encontrado/);
  });

  it('lets the lang cookie override the header, and remembers a switcher link in that cookie', async (t) => {
    const { app, get } = await setup(t);
    assert.match(await get('/user', { 'accept-language': 'es-CL', cookie: 'lang=pt' }), /<html lang="pt">/);
    const res = await app.request('/user?lang=es', { headers: { 'accept-language': 'pt-BR', cookie: 'lang=pt' } });
    assert.match(await res.text(), /<html lang="es">/);
    assert.match(res.headers.get('set-cookie') ?? '', /^lang=es; Max-Age=\d+; Path=\/; SameSite=Lax$/);
  });

  it('falls back to English for unknown or malicious lang values, and never remembers them', async (t) => {
    const { app, get } = await setup(t);
    for (const lang of ['de', 'ES', '"><script>alert(1)</script>', 'en-US', '']) {
      const res = await app.request(`/user?lang=${encodeURIComponent(lang)}`, { headers: { cookie: `lang=${encodeURIComponent(lang)}` } });
      const page = await res.text();
      assert.match(page, /<html lang="en">/, lang);
      assert.doesNotMatch(page, /<script>alert/);
      assert.equal(res.headers.get('set-cookie'), null, lang);
    }
    assert.match(await get('/user?lang=xx', { cookie: 'lang=es' }), /<html lang="es">/, 'a bad link does not undo a good cookie');
  });

  it('shows refusals, names and events translated, while the log stays in English', async (t) => {
    const { app, path, get } = await setup(t);
    const post = (path: string, message?: string) =>
      app.request(path, { method: 'POST', headers: { cookie: 'lang=es' }, body: new URLSearchParams(message === undefined ? {} : { message }) });
    assert.match(await (await post('/user', 'y'.repeat(2001))).text(), /Tu mensaje tiene 2001 caracteres; el límite es 2000/);
    assert.match(await (await post('/user', 'z'.repeat(100_000))).text(), /Ese mensaje es demasiado grande/);
    await post('/user', 'hola');
    await post('/user/end');
    assert.equal(await readFile(path, 'utf8'), '2026-11-22 14:03:07 <user> hola\n2026-11-22 14:03:07 * user ended the chat\n');
    const page = await get('/user', { cookie: 'lang=pt' });
    assert.match(page, /<b>usuário<\/b> <span class="text">hola<\/span>/);
    assert.match(page, /<li class="event">usuário encerrou o chat <time/);
  });
});

describe('02 shared log: browser languages', () => {
  it('opens in the browser\'s language, and the switcher\'s choice survives a reload and reaches the other page', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir: await tempDir(t, 'lab02-i18n-browser') });
    t.after(() => server.close());
    const context = await browser.newContext({ locale: 'pt-BR' });
    t.after(() => context.close());

    const page = await context.newPage();
    await page.goto(new URL('/user', server.urls[0]).href);
    assert.equal(await page.locator('html').getAttribute('lang'), 'pt');
    await page.getByLabel('Mensagem').fill('Olá');
    await page.getByRole('button', { name: 'Enviar/Atualizar' }).click();
    await page.getByText('Olá').waitFor();

    await page.getByRole('link', { name: 'Español' }).click();
    await page.getByRole('button', { name: 'Terminar chat' }).waitFor();
    await page.goto(new URL('/user', server.urls[0]).href); // no ?lang= in the address: the cookie decides
    await page.reload();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await page.getByRole('button', { name: 'Terminar chat' }).click();
    await page.getByText('usuario terminó el chat').waitFor();
    await page.goto(server.urls[0]!);
    await page.getByRole('link', { name: 'Abrir la ventana del agente' }).waitFor();
  });
});
