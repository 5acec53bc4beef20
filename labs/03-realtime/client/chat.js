// The chat page: connects to /ws, shows entries in order, sends what the person types.
// Every piece of text goes into the page with textContent, so HTML in a message stays text.
// Its sentences come from the same catalogue as the server's, in the language the server chose.
import { MESSAGES, eventText, pickLanguage, roleName, t } from '../shared/messages.js';
import { Connection } from './connection.js';
import { Conversation } from './conversation.js';

/** @typedef {import('./conversation.js').Entry} Entry */
/** @typedef {import('./conversation.js').Role} Role */
/** @typedef {import('../shared/messages.js').Key} Key */

const TYPING_EVERY_MS = 2000;
const TYPING_SHOWN_MS = 3000;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const role = /** @type {Role} */ (document.querySelector('main')?.dataset.role);
const other = role === 'user' ? 'agent' : 'user';
const list = byId('messages');
const input = /** @type {HTMLInputElement} */ (byId('message'));
const status = byId('status');
const presence = byId('presence');
const typing = byId('typing');
const notice = byId('notice');
const lang = pickLanguage(document.documentElement.lang, navigator.languages);

const conversation = new Conversation();
const wsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?role=${role}${conversation.resumeQuery()}`;
const connection = new Connection(wsUrl, {
  onOpen: () => (status.textContent = t(lang, 'status.connected')),
  onDrop: (delay) => {
    status.textContent = t(lang, 'status.lost', { seconds: Math.ceil(delay / 1000) });
    presence.textContent = '';
  },
  onFrame: receive,
});
connection.open();

/** @param {any} frame */
function receive(frame) {
  switch (frame.type) {
    case 'welcome':
      if (frame.missed > 0) showNotice(t(lang, 'chat.missed', { count: frame.missed }));
      for (const entry of conversation.replay(frame.entries)) show(entry);
      showPresence(frame.online);
      break;
    case 'entry': {
      const verdict = conversation.accept(frame.entry);
      if (verdict === 'show') show(frame.entry);
      if (verdict === 'gap') connection.resync();
      break;
    }
    case 'presence':
      showPresence(frame.online);
      break;
    case 'typing':
      if (frame.from !== role) showTyping(frame.from);
      break;
    case 'error':
      showNotice(refusal(frame.code, frame.message));
      break;
  }
}

/**
 * Why the server refused a frame, in this page's language: its code says which sentence to show.
 * A code this page does not know keeps the server's own (English) sentence.
 * @param {string} code
 * @param {string} message
 */
function refusal(code, message) {
  const key = `refused.${code}`;
  return key in MESSAGES ? t(lang, /** @type {Key} */ (key), { limit: input.maxLength }) : message;
}

/**
 * One entry, drawn as the server-rendered pages of labs 01 and 02 draw it: this window's messages
 * on the right (`mine`), the other's on the left, events centred; the first says when the chat began.
 * @param {Entry} entry
 */
function show(entry) {
  const item = document.createElement('li');
  if (entry.kind === 'start') {
    item.className = 'event';
    item.title = entry.text;
    item.append(t(lang, 'chat.started'), ' ', timeOf(entry.time));
  } else if (entry.from === null) {
    item.className = 'event';
    item.append(eventText(lang, entry.text), ' ', timeOf(entry.time));
  } else {
    item.className = `message from-${entry.from}${entry.from === role ? ' mine' : ''}`;
    const who = document.createElement('b');
    who.textContent = roleName(lang, entry.from);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = entry.text;
    item.append(who, ' ', text, ' ', timeOf(entry.time));
    if (entry.from !== role) typing.textContent = '';
  }
  list.append(item);
  item.scrollIntoView({ block: 'end' });
}

/**
 * `hh:mm` on the page; the full local date and time, as the log writes it, in the tooltip.
 * @param {number} ms
 */
function timeOf(ms) {
  const date = new Date(ms);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const time = document.createElement('time');
  time.dateTime = date.toISOString();
  time.title = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  time.textContent = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return time;
}

/** @param {Record<Role, number>} online */
function showPresence(online) {
  presence.textContent = t(lang, online[other] > 0 ? 'presence.online' : 'presence.offline', { role: roleName(lang, other) });
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let typingTimer;
/** @param {Role} from */
function showTyping(from) {
  typing.textContent = t(lang, 'typing', { role: roleName(lang, from) });
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => (typing.textContent = ''), TYPING_SHOWN_MS);
}

/** @param {string} text */
function showNotice(text) {
  notice.textContent = text;
  notice.hidden = false;
}

byId('send').addEventListener('submit', (event) => {
  event.preventDefault();
  notice.hidden = true;
  if (input.value.trim() === '') return showNotice(t(lang, 'error.empty'));
  if (!connection.send({ type: 'send', text: input.value })) return showNotice(t(lang, 'error.not-connected'));
  input.value = '';
});

byId('end').addEventListener('click', () => {
  notice.hidden = true;
  if (!connection.send({ type: 'end' })) showNotice(t(lang, 'error.not-connected-end'));
});

let lastTyping = 0;
input.addEventListener('input', () => {
  if (Date.now() - lastTyping < TYPING_EVERY_MS) return;
  lastTyping = Date.now();
  connection.send({ type: 'typing' });
});
