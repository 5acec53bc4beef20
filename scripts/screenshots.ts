/**
 * Draws the two-windows pictures of labs 01, 02 and 03 (`labs/0N-…/docs/two-windows.png`): the
 * user and the agent window side by side, 960×640, from each lab's real server on a free port,
 * with a made-up conversation in a temporary log folder.
 *
 *   npx tsx scripts/screenshots.ts
 *
 * Needs Chromium (CHROMIUM_PATH, or Debian's /usr/bin/chromium).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '@chat-lab/test-support';
import { startServer as startLab01 } from '../labs/01-static/server/server.ts';
import { startServer as startLab02 } from '../labs/02-shared-log/server/server.ts';
import { startServer as startLab03 } from '../labs/03-realtime/server/server.ts';

const WIDTH = 960;
const HEIGHT = 640;
/** One window's page, inside its 1-pixel frame. */
const WINDOW = { width: 460, height: 598 };

const REPO = new URL('..', import.meta.url).pathname;
const USER_LOG_01 = ['2026-11-22 14:03:30 <user> Hi! My order #1042 has not arrived yet.', '2026-11-22 14:04:16 <user> Hello? Is anyone there?'];
const AGENT_LOG_01 = [
  '2026-11-22 14:03:53 <agent> Hello, this is Sam from support. How can I help?',
  '2026-11-22 14:04:39 <agent> Anyone there? I can only see my own messages…',
];
const CHAT_LOG_02 = [
  '2026-11-22 14:03:30 <user> Hi! My order #1042 has not arrived yet.',
  '2026-11-22 14:03:53 <agent> Hello, this is Sam from support. Let me look that up.',
  '2026-11-22 14:04:16 <agent> It left our warehouse on Friday: it should reach you tomorrow.',
  '2026-11-22 14:04:39 <user> Great, thank you! <3',
  '2026-11-22 14:05:02 * user ended the chat',
];

const executablePath = findChromium();
if (!executablePath) throw new Error('No Chromium found: install the chromium package or set CHROMIUM_PATH.');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  await lab01(browser);
  await lab02(browser);
  await lab03(browser);
} finally {
  await browser.close();
}

async function lab01(browser: Browser) {
  await withLogDir(async (logDir) => {
    await writeFile(join(logDir, 'user.log'), lines(USER_LOG_01));
    await writeFile(join(logDir, 'agent.log'), lines(AGENT_LOG_01));
    const server = await startLab01({ port: 0, host: '127.0.0.1', logDir });
    try {
      const [user, agent] = await openWindows(browser, server.urls[0]!);
      await Promise.all([user, agent].map((page) => page.getByLabel('Message').blur()));
      await save(browser, user, agent, 'labs/01-static/docs/two-windows.png');
    } finally {
      await server.close();
    }
  });
}

async function lab02(browser: Browser) {
  await withLogDir(async (logDir) => {
    await writeFile(join(logDir, 'chat.log'), lines(CHAT_LOG_02));
    const server = await startLab02({ port: 0, host: '127.0.0.1', logDir });
    try {
      const [user, agent] = await openWindows(browser, server.urls[0]!);
      await Promise.all([user, agent].map((page) => page.getByLabel('Message').blur()));
      await save(browser, user, agent, 'labs/02-shared-log/docs/two-windows.png');
    } finally {
      await server.close();
    }
  });
}

/** Lab 03 is live: the two windows type, and the server's clock is set to 14:03 on the day. */
async function lab03(browser: Browser) {
  await withLogDir(async (logDir) => {
    const offset = new Date(2026, 10, 22, 14, 3, 7).getTime() - Date.now();
    const server = await startLab03({ port: 0, host: '127.0.0.1', logDir, graceSeconds: 30 }, { now: () => new Date(Date.now() + offset) });
    try {
      const [user, agent] = await openWindows(browser, server.urls[0]!);
      await user.getByText('The agent is online.').waitFor();
      await say(user, 'Hi! My order #1042 has not arrived yet.', agent);
      await say(agent, 'Hello, this is Sam from support. Let me look that up.', user);
      await say(agent, 'It left our warehouse on Friday: it should reach you tomorrow.', user);
      // A window says it is typing at most every 2 s: typing slowly makes sure one of these keys does.
      await user.getByLabel('Message').pressSequentially('Great, thanks!', { delay: 200 });
      await agent.getByText('The user is typing…').waitFor();
      await agent.getByLabel('Message').blur();
      await save(browser, user, agent, 'labs/03-realtime/docs/two-windows.png');
    } finally {
      await server.close();
    }
  });
}

/** `from` sends `text`; resolves once `to` shows it. */
async function say(from: Page, text: string, to: Page) {
  await from.getByLabel('Message').fill(text);
  await from.getByLabel('Message').press('Enter');
  await to.locator('.message', { hasText: text }).waitFor();
}

async function openWindows(browser: Browser, url: string): Promise<[Page, Page]> {
  const user = await browser.newPage({ viewport: WINDOW });
  const agent = await browser.newPage({ viewport: WINDOW });
  await user.goto(new URL('/user', url).href);
  await agent.goto(new URL('/agent', url).href);
  return [user, agent];
}

/** Puts the two windows side by side, each framed and named, and writes the picture. */
async function save(browser: Browser, user: Page, agent: Page, path: string) {
  const shots = [await user.screenshot(), await agent.screenshot()].map((png) => `data:image/png;base64,${png.toString('base64')}`);
  const names = ['user window · /user', 'agent window · /agent'];
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
