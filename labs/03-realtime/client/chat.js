// The chat page: connects to /ws, shows entries in order, sends what the person types.
// Every piece of text goes into the page with textContent, so HTML in a message stays text.
import { Connection } from './connection.js';
import { Conversation } from './conversation.js';

/** @typedef {import('./conversation.js').Entry} Entry */
/** @typedef {import('./conversation.js').Role} Role */

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

const conversation = new Conversation();
const wsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?role=${role}${conversation.resumeQuery()}`;
const connection = new Connection(wsUrl, {
  onOpen: () => (status.textContent = 'Connected.'),
  onDrop: (delay) => {
    status.textContent = `Connection lost: reconnecting in ${Math.ceil(delay / 1000)} s…`;
    presence.textContent = '';
  },
  onFrame: receive,
});
connection.open();

/** @param {any} frame */
function receive(frame) {
  switch (frame.type) {
    case 'welcome':
      if (frame.missed > 0) showNotice(`${frame.missed} earlier messages are only in the session's log.`);
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
      showNotice(frame.message);
      break;
  }
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
    item.append('Chat started at ', timeOf(entry.time));
  } else if (entry.from === null) {
    item.className = 'event';
    item.append(entry.text, ' ', timeOf(entry.time));
  } else {
    item.className = `message from-${entry.from}${entry.from === role ? ' mine' : ''}`;
    const who = document.createElement('b');
    who.textContent = entry.from;
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
  presence.textContent = online[other] > 0 ? `The ${other} is online.` : `The ${other} is offline.`;
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let typingTimer;
/** @param {Role} from */
function showTyping(from) {
  typing.textContent = `The ${from} is typing…`;
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
  if (input.value.trim() === '') return showNotice('Type a message first: an empty message is not sent.');
  if (!connection.send({ type: 'send', text: input.value })) return showNotice('Not connected: your message was not sent. Try again in a moment.');
  input.value = '';
});

byId('end').addEventListener('click', () => {
  notice.hidden = true;
  if (!connection.send({ type: 'end' })) showNotice('Not connected: try again in a moment.');
});

let lastTyping = 0;
input.addEventListener('input', () => {
  if (Date.now() - lastTyping < TYPING_EVERY_MS) return;
  lastTyping = Date.now();
  connection.send({ type: 'typing' });
});
