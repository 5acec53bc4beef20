import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import { LANGUAGES, MESSAGES, eventText, pickLanguage, roleName, t } from '../shared/messages.js';
import { createApp } from '../server/app.ts';
import type { ErrorCode } from '../server/core/protocol.ts';
import { acceptedLanguages } from '../server/language.ts';
import { startServer } from '../server/server.ts';

describe('03 realtime: languages', () => {
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

  it('fills placeholders, names roles and translates the English events of a session', () => {
    assert.equal(t('pt', 'status.lost', { seconds: 3 }), 'Conexão perdida: reconectando em 3 s…');
    assert.deepEqual(['en', 'es', 'pt'].map((lang) => roleName(lang as 'en', 'agent')), ['agent', 'agente', 'atendente']);
    assert.deepEqual(['en', 'es', 'pt'].map((lang) => roleName(lang as 'en', 'user')), ['user', 'usuario', 'usuário']);
    assert.equal(eventText('es', 'user ended the chat'), 'usuario terminó el chat');
    assert.equal(eventText('pt', 'agent ended the chat'), 'atendente encerrou o chat');
    assert.equal(eventText('es', 'everyone left: the chat ended'), 'todos se fueron: el chat terminó');
    assert.equal(eventText('pt', 'server stopped: the chat ended'), 'o servidor parou: o chat terminou');
    assert.equal(eventText('es', 'something else happened'), 'something else happened');
  });

  it('has a sentence for every code the server refuses a frame with', () => {
    const codes = { 'binary-frame': 1, 'not-json': 1, 'unknown-type': 1, 'bad-message': 1, 'rate-limited': 1, 'no-session': 1 } satisfies Record<ErrorCode, 1>;
    for (const code of Object.keys(codes)) assert.ok(`refused.${code}` in MESSAGES, code);
  });
});

describe('03 realtime: pages in three languages', () => {
  const app = createApp();
  const get = async (path: string, headers: Record<string, string> = {}) => (await app.request(path, { headers })).text();

  it('renders the browser\'s language by prefix: es-CL in Spanish, pt-BR in Portuguese, others in English', async () => {
    const es = await get('/', { 'accept-language': 'es-CL,es;q=0.9,en;q=0.8' });
    assert.match(es, /<html lang="es">/);
    assert.match(es, /Abrir la ventana del usuario/);
    assert.match(es, /Abrir la ventana del agente/);
    const pt = await get('/agent', { 'accept-language': 'pt-BR' });
    assert.match(pt, /<html lang="pt">/);
    assert.match(pt, /<label for="message">Mensagem<\/label>/);
    assert.match(pt, />Enviar<\/button>/);
    assert.match(pt, /Encerrar chat/);
    assert.match(pt, /Conectando…/);
    assert.match(pt, /Chat Lab 03 · <span class="who from-agent">atendente<\/span>/);
    const fr = await get('/user', { 'accept-language': 'fr-FR,de;q=0.5' });
    assert.match(fr, /<html lang="en">/);
    assert.match(fr, /End chat/);
    assert.match(await get('/nope', { 'accept-language': 'es' }), /No encontrado/);
  });

  it('lets the lang cookie override the header, and remembers a switcher link in that cookie', async () => {
    assert.match(await get('/user', { 'accept-language': 'es-CL', cookie: 'lang=pt' }), /<html lang="pt">/);
    const res = await app.request('/user?lang=es', { headers: { 'accept-language': 'pt-BR', cookie: 'lang=pt' } });
    assert.match(await res.text(), /<html lang="es">/);
    assert.match(res.headers.get('set-cookie') ?? '', /^lang=es; Max-Age=\d+; Path=\/; SameSite=Lax$/);
  });

  it('falls back to English for unknown or malicious lang values, and never remembers them', async () => {
    for (const lang of ['de', 'ES', '"><script>alert(1)</script>', 'en-US', '']) {
      const res = await app.request(`/user?lang=${encodeURIComponent(lang)}`, { headers: { cookie: `lang=${encodeURIComponent(lang)}` } });
      const page = await res.text();
      assert.match(page, /<html lang="en">/, lang);
      assert.doesNotMatch(page, /<script>alert/);
      assert.equal(res.headers.get('set-cookie'), null, lang);
    }
    assert.match(await get('/user?lang=xx', { cookie: 'lang=es' }), /<html lang="es">/, 'a bad link does not undo a good cookie');
  });

  it('serves the catalogue to the browser as JavaScript, and nothing else from outside shared/', async () => {
    const res = await app.request('/shared/messages.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(await res.text(), /export function pickLanguage/);
    for (const path of ['/shared/../server/app.ts', '/shared/%2e%2e/package.json', '/shared/nope.js']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
  });
});

describe('03 realtime: browser languages', () => {
  it('draws the live chat in each window\'s language; the switcher\'s choice survives a reload; the log stays in English', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const logDir = await tempDir(t, 'lab03-i18n-browser');
    const server = await startServer({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 });
    t.after(() => server.close());
    const context = await browser.newContext({ locale: 'pt-BR' });
    t.after(() => context.close());
    const url = (path: string) => new URL(path, server.urls[0]).href;

    const user = await context.newPage();
    await user.goto(url('/user'));
    assert.equal(await user.locator('html').getAttribute('lang'), 'pt');
    await user.getByText('Conectado.').waitFor();
    const agent = await context.newPage();
    await agent.goto(url('/agent'));
    await agent.getByRole('link', { name: 'Español' }).click();
    await agent.waitForURL(/lang=es/);
    await agent.goto(url('/agent')); // no ?lang= in the address: the cookie decides
    await agent.reload();
    assert.equal(await agent.locator('html').getAttribute('lang'), 'es');
    await agent.getByText('El usuario está en línea.').waitFor();
    await user.getByText('O atendente está online.').waitFor();

    await agent.getByRole('button', { name: 'Terminar chat' }).click();
    await agent.getByRole('alert').filter({ hasText: 'No hay ningún chat que terminar' }).waitFor();

    await user.getByLabel('Mensagem').fill('Olá, preciso de ajuda');
    await user.getByRole('button', { name: 'Enviar' }).click();
    await agent.locator('.message.from-user b', { hasText: /^usuario$/ }).waitFor();
    assert.match(await agent.locator('.event').first().innerText(), /^El chat empezó a las \d{2}:\d{2}$/);
    await agent.getByRole('button', { name: 'Terminar chat' }).click();
    await user.getByText('atendente encerrou o chat').waitFor();
    await agent.getByText('agente terminó el chat').waitFor();
    await server.close();

    const [log] = await readdir(logDir);
    assert.match(await readFile(join(logDir, log!), 'utf8'), /<user> Olá, preciso de ajuda\n.* \* agent ended the chat\n$/);
  });
});
