import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { openBrowser, tempDir } from '@chat-lab/test-support';
import type { Browser, Page } from 'playwright-core';
import { buildClientIfStale } from '../server/client-build.ts';
import { startServer } from '../server/server.ts';

/**
 * The page in English, Spanish and Portuguese, in real headless Chromium: the browser's
 * languages choose the first one (Playwright's `locale` sets `navigator.languages`), the switcher
 * changes it, and the choice outlives a reload.
 */

const PASSWORD = 'correct horse battery';
const WAIT_MS = 10_000;

async function start(t: TestContext) {
  const dir = await tempDir(t, 'lab07-languages');
  const server = await startServer({ port: 0, host: '127.0.0.1', logDir: join(dir, 'logs'), dataDir: join(dir, 'data'), gate: 0 });
  t.after(() => server.close());
  return `http://127.0.0.1:${server.port}`;
}

/** A page in its own browser context, whose browser speaks `locale` (undefined: Chromium's own, English). */
async function visit(browser: Browser, origin: string, locale?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext(locale ? { locale } : {});
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  return { page, errors };
}

/** The words of one language that the test looks for. */
interface Words {
  lang: string;
  logIn: string;
  register: string;
  fields: [firstName: string, lastName: string, login: string, password: string, age: string, gender: string];
  checkFields: string;
  badLogin: RegExp;
  online: string;
  rooms: string;
  send: string;
  logOut: string;
  noSuchRoom: string;
}

const SPANISH: Words = {
  lang: 'es',
  logIn: 'Iniciar sesión',
  register: 'Registrarse',
  fields: ['Nombre', 'Apellido', 'Usuario', 'Contraseña', 'Edad', 'Género'],
  checkFields: 'Revisa los campos marcados arriba.',
  badLogin: /El usuario debe tener de 3 a 32 letras/,
  online: 'Conectado como',
  rooms: 'Salas',
  send: 'Enviar',
  logOut: 'Cerrar sesión',
  noSuchRoom: 'No hay ninguna sala con ese nombre',
};

const PORTUGUESE: Words = {
  lang: 'pt',
  logIn: 'Entrar',
  register: 'Cadastrar-se',
  fields: ['Nome', 'Sobrenome', 'Usuário', 'Senha', 'Idade', 'Gênero'],
  checkFields: 'Confira os campos marcados acima.',
  badLogin: /O usuário deve ter de 3 a 32 letras/,
  online: 'Conectado como',
  rooms: 'Salas',
  send: 'Enviar',
  logOut: 'Sair',
  noSuchRoom: 'Não existe nenhuma sala com esse nome',
};

const lang = (page: Page) => page.evaluate<string>('document.documentElement.lang');

/** The field whose label starts with `label` (its name goes on with the field's error, if any, and a select's choice). */
const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label}`));

/** Fills the register form, its labels in `words`' language. */
async function fillRegistration(page: Page, words: Words, login: string): Promise<void> {
  const [firstName, lastName, loginLabel, password, age, gender] = words.fields;
  await field(page, firstName).fill('Ana');
  await field(page, lastName).fill('Student');
  await field(page, loginLabel).fill(login);
  await field(page, password).fill(PASSWORD);
  await field(page, age).fill('21');
  await field(page, gender).selectOption('prefer not to say'); // the stored value stays the code
}

describe('07 cores: languages in the browser', () => {
  before(async () => {
    await buildClientIfStale();
  });

  for (const [locale, words] of [['es-CL', SPANISH], ['pt-BR', PORTUGUESE]] as const) {
    it(`a browser in ${locale} gets the page, its form errors and the server's refusals in ${words.lang}`, async (t) => {
      const browser = await openBrowser(t);
      if (!browser) return;
      const origin = await start(t);
      const { page, errors } = await visit(browser, origin, locale);
      await page.getByRole('heading', { name: `Chat Lab 07 · ${words.logIn}` }).waitFor();
      assert.equal(await lang(page), words.lang, '<html lang> follows');
      assert.equal(await page.getByRole('combobox', { name: 'Idioma' }).inputValue(), words.lang, 'the switcher shows the language');

      await page.getByRole('button', { name: words.register, exact: true }).click();
      await fillRegistration(page, words, 'a b');
      await page.getByRole('button', { name: words.register, exact: true }).click();
      await page.getByRole('alert').filter({ hasText: words.checkFields }).waitFor();
      assert.equal(await page.getByLabel(words.badLogin).inputValue(), 'a b', 'the error beside the login, translated from its code');

      await field(page, words.fields[2]).fill('ana');
      await page.getByRole('button', { name: words.register, exact: true }).click();
      await page.getByRole('status').filter({ hasText: `${words.online} ana` }).waitFor();
      await page.getByRole('heading', { name: words.rooms, exact: true }).waitFor();
      await page.getByRole('button', { name: words.logOut, exact: true }).waitFor();

      const box = page.getByRole('textbox', { name: locale === 'es-CL' ? 'Mensaje' : 'Mensagem', exact: true });
      await box.fill('#gR attic');
      await box.press('Enter');
      await page.getByRole('alert').filter({ hasText: words.noSuchRoom }).waitFor();
      assert.equal(await page.getByText('There is no room').count(), 0, "not the server's English sentence");
      await page.getByRole('button', { name: words.send, exact: true }).waitFor();
      assert.deepEqual(errors, []);
    });
  }

  it('the switcher changes the language at once, on both screens, and the page remembers it after a reload', async (t) => {
    const browser = await openBrowser(t);
    if (!browser) return;
    const origin = await start(t);
    const { page, errors } = await visit(browser, origin);
    await page.getByRole('heading', { name: 'Chat Lab 07 · Log in' }).waitFor();
    assert.equal(await lang(page), 'en');

    await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Español' });
    await page.getByRole('heading', { name: 'Chat Lab 07 · Iniciar sesión' }).waitFor();
    assert.equal(await lang(page), 'es');
    await page.reload();
    await page.getByRole('heading', { name: 'Chat Lab 07 · Iniciar sesión' }).waitFor();

    await page.getByRole('button', { name: SPANISH.register, exact: true }).click();
    await fillRegistration(page, SPANISH, 'bea');
    await page.getByRole('button', { name: SPANISH.register, exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Conectado como bea' }).waitFor();

    await page.getByRole('combobox', { name: 'Idioma' }).selectOption({ label: 'Português' });
    await page.getByRole('button', { name: 'Sair', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Pessoas', exact: true }).waitFor();
    assert.equal(await lang(page), 'pt');
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Conectado como bea' }).waitFor();
    await page.getByRole('heading', { name: 'Pessoas', exact: true }).waitFor();
    assert.equal(await lang(page), 'pt', 'remembered');

    await page.getByRole('combobox', { name: 'Idioma' }).selectOption({ label: 'English' });
    await page.getByRole('status').filter({ hasText: 'Online as bea' }).waitFor();
    await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
    assert.equal(await lang(page), 'en');
    assert.deepEqual(errors, []);
  });
});
