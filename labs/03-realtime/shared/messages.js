/**
 * Every sentence the pages show, in English, Spanish and Portuguese: one key, three strings.
 * `{name}` in a string is a placeholder, filled in by `t()`. Plain JavaScript (types in JSDoc),
 * so that the server and the browser can both load it as it is: the server renders the page's
 * shell, and `client/chat.js`, which draws the conversation, loads it from `/shared/messages.js`.
 *
 * The log files stay in English: only what a page shows is translated.
 */

/** The languages of the pages; the first one is the default. */
export const LANGUAGES = /** @type {const} */ (['en', 'es', 'pt']);

/** @typedef {(typeof LANGUAGES)[number]} Language */

/** Each language's name in that language, for the switcher. */
export const LANGUAGE_NAMES = { en: 'English', es: 'Español', pt: 'Português' };

export const MESSAGES = /** @satisfies {Record<string, Record<Language, string>>} */ ({
  'role.user': { en: 'user', es: 'usuario', pt: 'usuário' },
  'role.agent': { en: 'agent', es: 'agente', pt: 'atendente' },
  'languages': { en: 'Language', es: 'Idioma', pt: 'Idioma' },
  'home.title': { en: 'real time', es: 'tiempo real', pt: 'tempo real' },
  'home.intro': {
    en: 'Open both clients side by side: what one types appears in the other at once, over a WebSocket.',
    es: 'Abre los dos clientes lado a lado: lo que uno escribe aparece al instante en el otro, por un WebSocket.',
    pt: 'Abra os dois clientes lado a lado: o que um digita aparece no outro na hora, por um WebSocket.',
  },
  'home.open': { en: 'Open the {role} window', es: 'Abrir la ventana del {role}', pt: 'Abrir a janela do {role}' },
  'status.connecting': { en: 'Connecting…', es: 'Conectando…', pt: 'Conectando…' },
  'status.connected': { en: 'Connected.', es: 'Conectado.', pt: 'Conectado.' },
  'status.lost': {
    en: 'Connection lost: reconnecting in {seconds} s…',
    es: 'Se perdió la conexión: reconectando en {seconds} s…',
    pt: 'Conexão perdida: reconectando em {seconds} s…',
  },
  'presence.online': { en: 'The {role} is online.', es: 'El {role} está en línea.', pt: 'O {role} está online.' },
  'presence.offline': { en: 'The {role} is offline.', es: 'El {role} está desconectado.', pt: 'O {role} está offline.' },
  'typing': { en: 'The {role} is typing…', es: 'El {role} está escribiendo…', pt: 'O {role} está digitando…' },
  'chat.conversation': { en: 'Conversation', es: 'Conversación', pt: 'Conversa' },
  'chat.noscript': {
    en: 'This lab needs JavaScript: the page talks to the server over a WebSocket.',
    es: 'Este lab necesita JavaScript: la página habla con el servidor por un WebSocket.',
    pt: 'Este lab precisa de JavaScript: a página conversa com o servidor por um WebSocket.',
  },
  'chat.started': { en: 'Chat started at', es: 'El chat empezó a las', pt: 'O chat começou às' },
  'chat.missed': {
    en: "{count} earlier messages are only in the session's log.",
    es: '{count} mensajes anteriores solo están en el log de la sesión.',
    pt: '{count} mensagens anteriores estão só no log da sessão.',
  },
  'chat.message': { en: 'Message', es: 'Mensaje', pt: 'Mensagem' },
  'chat.send': { en: 'Send', es: 'Enviar', pt: 'Enviar' },
  'chat.end': { en: 'End chat', es: 'Terminar chat', pt: 'Encerrar chat' },
  'error.empty': {
    en: 'Type a message first: an empty message is not sent.',
    es: 'Escribe un mensaje primero: un mensaje vacío no se envía.',
    pt: 'Digite uma mensagem primeiro: uma mensagem vazia não é enviada.',
  },
  'error.not-connected': {
    en: 'Not connected: your message was not sent. Try again in a moment.',
    es: 'Sin conexión: tu mensaje no se envió. Inténtalo de nuevo en un momento.',
    pt: 'Sem conexão: sua mensagem não foi enviada. Tente de novo em instantes.',
  },
  'error.not-connected-end': {
    en: 'Not connected: try again in a moment.',
    es: 'Sin conexión: inténtalo de nuevo en un momento.',
    pt: 'Sem conexão: tente de novo em instantes.',
  },
  'refused.binary-frame': {
    en: 'Frames must be text (JSON), not binary.',
    es: 'Los frames deben ser texto (JSON), no binarios.',
    pt: 'Os frames devem ser texto (JSON), não binários.',
  },
  'refused.not-json': {
    en: 'Frames must be JSON objects, like {"type":"send","text":"hi"}.',
    es: 'Los frames deben ser objetos JSON, como {"type":"send","text":"hola"}.',
    pt: 'Os frames devem ser objetos JSON, como {"type":"send","text":"oi"}.',
  },
  'refused.unknown-type': {
    en: 'Unknown frame type: expected "send", "end" or "typing".',
    es: 'Tipo de frame desconocido: se esperaba "send", "end" o "typing".',
    pt: 'Tipo de frame desconhecido: esperava-se "send", "end" ou "typing".',
  },
  'refused.bad-message': {
    en: 'That message was not sent: it must have text, and at most {limit} characters.',
    es: 'Ese mensaje no se envió: debe tener texto, y como máximo {limit} caracteres.',
    pt: 'Essa mensagem não foi enviada: ela precisa ter texto, e no máximo {limit} caracteres.',
  },
  'refused.rate-limited': {
    en: 'Slow down: you are sending too fast. That one was not sent.',
    es: 'Más despacio: estás enviando demasiado rápido. Eso no se envió.',
    pt: 'Mais devagar: você está enviando rápido demais. Isso não foi enviado.',
  },
  'refused.no-session': {
    en: 'There is no chat to end: send a message to start one.',
    es: 'No hay ningún chat que terminar: envía un mensaje para empezar uno.',
    pt: 'Não há chat para encerrar: envie uma mensagem para começar um.',
  },
  'event.ended': { en: '{role} ended the chat', es: '{role} terminó el chat', pt: '{role} encerrou o chat' },
  'event.left': { en: 'everyone left: the chat ended', es: 'todos se fueron: el chat terminó', pt: 'todos saíram: o chat terminou' },
  'event.stopped': { en: 'server stopped: the chat ended', es: 'el servidor se detuvo: el chat terminó', pt: 'o servidor parou: o chat terminou' },
  'not-found.title': { en: 'Not found', es: 'No encontrado', pt: 'Não encontrado' },
  'not-found.nothing-at': { en: 'There is nothing at', es: 'No hay nada en', pt: 'Não há nada em' },
  'not-found.back': { en: 'Back to the start', es: 'Volver al inicio', pt: 'Voltar ao início' },
});

/** @typedef {keyof typeof MESSAGES} Key */

/**
 * @param {unknown} value
 * @returns {value is Language}
 */
export function isLanguage(value) {
  return LANGUAGES.includes(/** @type {Language} */ (value));
}

/**
 * The language to show: `saved` (the switcher's choice) when it is one of ours, else the first
 * of the browser's `preferred` languages that starts like one of ours (`es-CL` → es,
 * `pt-BR` → pt), else English. Anything else, however odd, ends in English.
 * @param {unknown} saved
 * @param {readonly string[]} preferred most wanted first
 * @returns {Language}
 */
export function pickLanguage(saved, preferred) {
  if (isLanguage(saved)) return saved;
  for (const tag of preferred) {
    const prefix = tag.trim().toLowerCase().split('-')[0];
    if (isLanguage(prefix)) return prefix;
  }
  return LANGUAGES[0];
}

/**
 * The sentence `key` in `lang`, its `{name}` placeholders filled from `params`.
 * @param {Language} lang
 * @param {Key} key
 * @param {Record<string, string | number>} [params]
 */
export function t(lang, key, params = {}) {
  return MESSAGES[key][lang].replace(/\{(\w+)\}/g, (placeholder, name) => String(params[name] ?? placeholder));
}

/**
 * A role's name in `lang` (`agent` → agente, atendente); a name that is no role stays as it is.
 * @param {Language} lang
 * @param {string} role
 */
export function roleName(lang, role) {
  const key = `role.${role}`;
  return key in MESSAGES ? t(lang, /** @type {Key} */ (key)) : role;
}

/**
 * An event of the log, in `lang`. Events are written in English, from the `event.` sentences
 * above: this finds the one `text` was written from and says it again in `lang`, with a role's
 * name translated too. Text that is no known event is shown as it is.
 * @param {Language} lang
 * @param {string} text
 */
export function eventText(lang, text) {
  for (const [key, sentence] of Object.entries(MESSAGES)) {
    if (!key.startsWith('event.')) continue;
    /** @type {string[]} */
    const names = [];
    const pattern = sentence.en.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name) => (names.push(name), '(.+)'));
    const match = new RegExp(`^${pattern}$`).exec(text);
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, name === 'role' ? roleName(lang, match[i + 1] ?? '') : match[i + 1] ?? '']));
    return t(lang, /** @type {Key} */ (key), params);
  }
  return text;
}
