/**
 * Draws the two-windows pictures of labs 01, 02 and 03 (`labs/0N-…/docs/two-windows.png`): the
 * user and the agent window side by side, 960×640, from each lab's real server on a free port,
 * with a made-up conversation in a temporary log folder. Then the same in Spanish and in
 * Portuguese (`two-windows-es.png`, `two-windows-pt.png`), from a browser set to `es-CL` or `pt-BR`.
 * For lab 04: a laptop (`docs/desktop.png`, 1280×800), a phone (`docs/phone.png`, 390×844) and
 * the phone's drawer (`docs/phone-drawer.png`), each in the three languages (`-es`, `-pt`).
 *
 *   npx tsx scripts/screenshots.ts          # every lab
 *   npx tsx scripts/screenshots.ts 04       # only lab 04
 *
 * Needs Chromium (CHROMIUM_PATH, or Debian's /usr/bin/chromium).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '@chat-lab/test-support';
import { startServer as startLab01 } from '../labs/01-static/server/server.ts';
import { startServer as startLab02 } from '../labs/02-shared-log/server/server.ts';
import { startServer as startLab03 } from '../labs/03-realtime/server/server.ts';
import { buildClientIfStale as buildLab04 } from '../labs/04-rooms-p2p/server/client-build.ts';
import { startServer as startLab04 } from '../labs/04-rooms-p2p/server/server.ts';

const WIDTH = 960;
const HEIGHT = 640;
/** One window's page, inside its 1-pixel frame. */
const WINDOW = { width: 460, height: 598 };

const REPO = new URL('..', import.meta.url).pathname;

/** The made-up conversation, in each language; the log's own words (events) stay in English. */
const SAID = {
  en: {
    locale: 'en-US',
    windows: ['user window', 'agent window'],
    order: 'Hi! My order #1042 has not arrived yet.',
    anyone: 'Hello? Is anyone there?',
    hello: 'Hello, this is Sam from support. How can I help?',
    alone: 'Anyone there? I can only see my own messages…',
    lookUp: 'Hello, this is Sam from support. Let me look that up.',
    friday: 'It left our warehouse on Friday: it should reach you tomorrow.',
    thanks: 'Great, thank you! <3',
    typing: 'Great, thanks!',
  },
  es: {
    locale: 'es-CL',
    windows: ['ventana del usuario', 'ventana del agente'],
    order: '¡Hola! Mi pedido #1042 todavía no llega.',
    anyone: '¿Hola? ¿Hay alguien ahí?',
    hello: 'Hola, soy Sam, de soporte. ¿En qué te puedo ayudar?',
    alone: '¿Hay alguien? Solo veo mis propios mensajes…',
    lookUp: 'Hola, soy Sam, de soporte. Déjame revisarlo.',
    friday: 'Salió de nuestra bodega el viernes: debería llegarte mañana.',
    thanks: '¡Genial, muchas gracias! <3',
    typing: '¡Genial, gracias!',
  },
  pt: {
    locale: 'pt-BR',
    windows: ['janela do usuário', 'janela do atendente'],
    order: 'Oi! Meu pedido #1042 ainda não chegou.',
    anyone: 'Alô? Tem alguém aí?',
    hello: 'Olá, aqui é a Sam, do suporte. Como posso ajudar?',
    alone: 'Alguém aí? Só vejo as minhas próprias mensagens…',
    lookUp: 'Olá, aqui é a Sam, do suporte. Vou verificar.',
    friday: 'Saiu do nosso depósito na sexta: deve chegar amanhã.',
    thanks: 'Ótimo, muito obrigado! <3',
    typing: 'Ótimo, obrigado!',
  },
};
type Said = (typeof SAID)['en'];
type Language = keyof typeof SAID;

/** Lab 04's people and what they say, in each language. */
const ROOMS_SAID = {
  en: { people: ['ada', 'bob', 'cyd'], surnames: ['Lovelace', 'Brown', 'Young'], room: 'games', study: 'study-group', hi: 'Hi all! Is the lab due on Friday?', yes: 'Yes, before midnight. Rooms first, then the gate.', cy: 'Anyone up for chess after class?', psst: 'Want to go over the gate together?', sure: 'Sure, 5 pm in the library!' },
  es: { people: ['ana', 'bruno', 'carla'], surnames: ['Soto', 'Rojas', 'Muñoz'], room: 'juegos', study: 'estudio', hi: '¡Hola a todos! ¿El lab es para el viernes?', yes: 'Sí, antes de medianoche. Primero las salas, después la compuerta.', cy: '¿Alguien juega ajedrez después de clases?', psst: '¿Repasamos la compuerta juntos?', sure: '¡Dale, a las 17 h en la biblioteca!' },
  pt: { people: ['ana', 'bruno', 'carla'], surnames: ['Silva', 'Souza', 'Costa'], room: 'jogos', study: 'estudo', hi: 'Oi, gente! O lab é para sexta?', yes: 'Sim, até a meia-noite. Primeiro as salas, depois a porteira.', cy: 'Alguém topa xadrez depois da aula?', psst: 'Vamos revisar a porteira juntos?', sure: 'Claro, às 17 h na biblioteca!' },
} satisfies Record<Language, unknown>;


/** `docs/two-windows.png` in English, `docs/two-windows-es.png` in Spanish… */
function picture(lab: string, lang: Language): string {
  return `labs/${lab}/docs/two-windows${lang === 'en' ? '' : `-${lang}`}.png`;
}

async function lab01(browser: Browser, lang: Language) {
  const said = SAID[lang];
  await withLogDir(async (logDir) => {
    await writeFile(join(logDir, 'user.log'), lines([`2026-11-22 14:03:30 <user> ${said.order}`, `2026-11-22 14:04:16 <user> ${said.anyone}`]));
    await writeFile(join(logDir, 'agent.log'), lines([`2026-11-22 14:03:53 <agent> ${said.hello}`, `2026-11-22 14:04:39 <agent> ${said.alone}`]));
    const server = await startLab01({ port: 0, host: '127.0.0.1', logDir });
    try {
      const [user, agent] = await openWindows(browser, server.urls[0]!, said);
      await Promise.all([user, agent].map((page) => page.locator('#message').blur()));
      await save(browser, user, agent, said, picture('01-static', lang));
    } finally {
      await server.close();
    }
  });
}

async function lab02(browser: Browser, lang: Language) {
  const said = SAID[lang];
  await withLogDir(async (logDir) => {
    await writeFile(
      join(logDir, 'chat.log'),
      lines([
        `2026-11-22 14:03:30 <user> ${said.order}`,
        `2026-11-22 14:03:53 <agent> ${said.lookUp}`,
        `2026-11-22 14:04:16 <agent> ${said.friday}`,
        `2026-11-22 14:04:39 <user> ${said.thanks}`,
        '2026-11-22 14:05:02 * user ended the chat',
      ]),
    );
    const server = await startLab02({ port: 0, host: '127.0.0.1', logDir });
    try {
      const [user, agent] = await openWindows(browser, server.urls[0]!, said);
      await Promise.all([user, agent].map((page) => page.locator('#message').blur()));
      await save(browser, user, agent, said, picture('02-shared-log', lang));
    } finally {
      await server.close();
    }
  });
}

/** Lab 03 is live: the two windows type, and the server's clock is set to 14:03 on the day. */
async function lab03(browser: Browser, lang: Language) {
  const said = SAID[lang];
  await withLogDir(async (logDir) => {
    const offset = new Date(2026, 10, 22, 14, 3, 7).getTime() - Date.now();
    const server = await startLab03({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 }, { now: () => new Date(Date.now() + offset) });
    try {
      const [user, agent] = await openWindows(browser, server.urls[0]!, said);
      await user.locator('#presence:not(:empty)').waitFor(); // the agent is online
      await say(user, said.order, agent);
      await say(agent, said.lookUp, user);
      await say(agent, said.friday, user);
      // A window says it is typing at most every 2 s: typing slowly makes sure one of these keys does.
      await user.locator('#message').pressSequentially(said.typing, { delay: 200 });
      await agent.locator('#typing:not(:empty)').waitFor();
      await agent.locator('#message').blur();
      await save(browser, user, agent, said, picture('03-realtime', lang));
    } finally {
      await server.close();
    }
  });
}

/** `from` sends `text`; resolves once `to` shows it. */
async function say(from: Page, text: string, to: Page) {
  await from.locator('#message').fill(text);
  await from.locator('#message').press('Enter');
  await to.locator('.message', { hasText: text }).waitFor();
}

/** The two windows, in a browser whose language is `said.locale`. */
async function openWindows(browser: Browser, url: string, said: Said): Promise<[Page, Page]> {
  const user = await browser.newPage({ viewport: WINDOW, locale: said.locale });
  const agent = await browser.newPage({ viewport: WINDOW, locale: said.locale });
  await user.goto(new URL('/user', url).href);
  await agent.goto(new URL('/agent', url).href);
  return [user, agent];
}

/** Puts the two windows side by side, each framed and named, and writes the picture. */
async function save(browser: Browser, user: Page, agent: Page, said: Said, path: string) {
  const shots = [await user.screenshot(), await agent.screenshot()].map((png) => `data:image/png;base64,${png.toString('base64')}`);
  const names = [`${said.windows[0]} · /user`, `${said.windows[1]} · /agent`];
  const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
  await page.setContent(`<!doctype html>
    <body style="margin:0;background:#d1d5db;font:13px system-ui,sans-serif;color:#374151;display:flex;gap:14px;padding:6px 13px">
      ${shots.map((src, i) => `<figure style="margin:0"><figcaption style="margin:0 0 6px 2px">${names[i]}</figcaption><img src="${src}" width="${WINDOW.width}" height="${WINDOW.height}" style="display:block;border:1px solid #6b7280;border-radius:3px"></figure>`).join('')}
    </body>`);
  await page.screenshot({ path: join(REPO, path) });
  await page.close();
  await Promise.all([user.close(), agent.close()]);
  console.log(`wrote ${path}`);
}

/** `docs/desktop.png` in English, `docs/desktop-es.png` in Spanish… */
function lab04Picture(name: string, lang: Language): string {
  return `labs/04-rooms-p2p/docs/${name}${lang === 'en' ? '' : `-${lang}`}.png`;
}

/**
 * Lab 04, live: three people log in, one opens a room, the lobby talks, someone asks `#lR`, and two
 * of them open a private conversation over a direct link. The pages are driven in English, then
 * switched to `lang` with the page's own language picker, as a student would.
 */
async function lab04(browser: Browser, lang: Language) {
  const said = ROOMS_SAID[lang];
  const [ada, bob, cy] = said.people as [string, string, string];
  const folder = await mkdtemp(join(tmpdir(), 'chat-lab-screenshots-'));
  const server = await startLab04({ port: 0, host: '127.0.0.1', logDir: join(folder, 'logs'), dataDir: join(folder, 'data'), gate: 0 });
  const origin = `http://127.0.0.1:${server.port}`;
  try {
    for (const [i, login] of said.people.entries()) await register(origin, login, said.surnames[i]!);
    const laptop = await person(browser, origin, ada, { viewport: { width: 1280, height: 800 } });
    const phone = await person(browser, origin, bob, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const third = await person(browser, origin, cy, { viewport: { width: 800, height: 600 } });
    await chat(third, `#cR ${said.room}`);
    await chat(third, said.cy);
    await chat(laptop, `#cR ${said.study}`);
    await chat(laptop, '#gR lobby');
    await chat(phone, said.hi);
    await chat(laptop, said.yes);
    await laptop.getByRole('button', { name: 'Refresh the list of people' }).click();
    await laptop.getByRole('button', { name: `Message ${bob} privately` }).click();
    await laptop.getByLabel(`Private message to ${bob}`, { exact: true }).fill(said.psst);
    await laptop.getByLabel(`Private message to ${bob}`, { exact: true }).press('Enter');
    await phone.getByRole('list', { name: `Private messages with ${ada}` }).getByRole('listitem').filter({ hasText: said.psst }).waitFor();
    await phone.getByLabel(`Private message to ${ada}`, { exact: true }).fill(said.sure);
    await phone.getByLabel(`Private message to ${ada}`, { exact: true }).press('Enter');
    await laptop.getByRole('list', { name: `Private messages with ${bob}` }).getByRole('listitem').filter({ hasText: said.sure }).waitFor();
    for (const page of [laptop, phone]) {
      await page.locator('language-picker select').first().selectOption(lang);
      await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
    }
    // From here the pages speak `lang`: the room's message box is found by its place, not its label.
    const box = laptop.locator('chat-composer input').first();
    await box.fill('#lR');
    await box.press('Enter');
    await laptop.getByText(`${said.room} (1)`).waitFor();
    for (const page of [laptop, phone]) for (const input of await page.locator('input:focus').all()) await input.blur();
    await laptop.screenshot({ path: join(REPO, lab04Picture('desktop', lang)) });
    await phone.screenshot({ path: join(REPO, lab04Picture('phone', lang)) });
    await phone.locator('button.menu').click();
    await phone.locator('aside#drawer.open').waitFor();
    await phone.locator('user-list nav button').first().click(); // Refresh: the phone's list was asked for before the third person came
    await phone.getByText(/\b3 \S+ (of|de) 3\b/).waitFor();
    await phone.screenshot({ path: join(REPO, lab04Picture('phone-drawer', lang)) });
    console.log(`wrote ${['desktop', 'phone', 'phone-drawer'].map((name) => lab04Picture(name, lang)).join(', ')}`);
    await Promise.all([laptop, phone, third].map((page) => page.context().close()));
  } finally {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Registers `login` through the lab's API, as the register form would. */
async function register(origin: string, login: string, lastName: string) {
  const account = { firstName: login[0]!.toUpperCase() + login.slice(1), lastName, login, password: PASSWORD, age: 21, gender: 'prefer not to say' };
  const response = await fetch(`${origin}/api/register`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(account) });
  if (!response.ok) throw new Error(`register ${login}: ${response.status} ${await response.text()}`);
}

/** Logs `login` in, in a browser context of its own, and waits for the chat to be online. */
async function person(browser: Browser, origin: string, login: string, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext({ ...options, locale: 'en-US' });
  await context.grantPermissions(['camera', 'microphone'], { origin }); // Chromium then offers 127.0.0.1 to the direct link
  const page = await context.newPage();
  const loggedIn = await page.request.post(`${origin}/api/login`, { data: { login, password: PASSWORD }, headers: { origin } });
  if (!loggedIn.ok()) throw new Error(`log in ${login}: ${loggedIn.status()} ${await loggedIn.text()}`);
  await page.goto(`${origin}/`);
  await page.getByRole('status').filter({ hasText: `Online as ${login}` }).waitFor();
  return page;
}

/** Types `text` in the room's message box and presses Enter; waits until the page shows it (or the command's answer). */
async function chat(page: Page, text: string) {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  if (!text.startsWith('#')) await page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: text }).waitFor();
}

async function withLogDir(run: (logDir: string) => Promise<void>) {
  const logDir = await mkdtemp(join(tmpdir(), 'chat-lab-screenshots-'));
  try {
    await run(logDir);
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}

function lines(entries: string[]): string {
  return entries.map((line) => `${line}\n`).join('');
}

const PASSWORD = 'correct horse battery';

const executablePath = findChromium();
if (!executablePath) throw new Error('No Chromium found: install the chromium package or set CHROMIUM_PATH.');
const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
const labs = process.argv.slice(2);
const wanted = (lab: string) => labs.length === 0 || labs.includes(lab);
try {
  if (wanted('04')) await buildLab04();
  for (const lang of Object.keys(SAID) as Language[]) {
    if (wanted('01')) await lab01(browser, lang);
    if (wanted('02')) await lab02(browser, lang);
    if (wanted('03')) await lab03(browser, lang);
    if (wanted('04')) await lab04(browser, lang);
  }
} finally {
  await browser.close();
}
