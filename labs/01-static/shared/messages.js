/**
 * Every sentence the pages show, in English, Spanish and Portuguese: one key, three strings.
 * `{name}` in a string is a placeholder, filled in by `t()`. Plain JavaScript (types in JSDoc),
 * so that the server and, from lab 03 on, the browser can both load it as it is.
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
  'home.title': { en: 'two clients, two logs', es: 'dos clientes, dos logs', pt: 'dois clientes, dois logs' },
  'home.intro': {
    en: 'Open both clients side by side, send a message from each, and see who gets what.',
    es: 'Abre los dos clientes lado a lado, envía un mensaje desde cada uno y mira quién recibe qué.',
    pt: 'Abra os dois clientes lado a lado, envie uma mensagem de cada um e veja quem recebe o quê.',
  },
  'home.open': { en: 'Open the {role} window', es: 'Abrir la ventana del {role}', pt: 'Abrir a janela do {role}' },
  'chat.hint': { en: 'This page shows {file} only.', es: 'Esta página solo muestra {file}.', pt: 'Esta página mostra apenas {file}.' },
  'chat.conversation': { en: 'Conversation', es: 'Conversación', pt: 'Conversa' },
  'chat.empty': { en: 'No messages yet.', es: 'Todavía no hay mensajes.', pt: 'Ainda não há mensagens.' },
  'chat.message': { en: 'Message', es: 'Mensaje', pt: 'Mensagem' },
  'chat.send': { en: 'Send', es: 'Enviar', pt: 'Enviar' },
  'chat.end': { en: 'End chat', es: 'Terminar chat', pt: 'Encerrar chat' },
  'error.empty': {
    en: 'Type a message first: an empty message is not sent.',
    es: 'Escribe un mensaje primero: un mensaje vacío no se envía.',
    pt: 'Digite uma mensagem primeiro: uma mensagem vazia não é enviada.',
  },
  'error.too-long': {
    en: 'Your message is {length} characters long; the limit is {limit}. Nothing was sent.',
    es: 'Tu mensaje tiene {length} caracteres; el límite es {limit}. No se envió nada.',
    pt: 'Sua mensagem tem {length} caracteres; o limite é {limit}. Nada foi enviado.',
  },
  'error.too-large': {
    en: 'That message is far too large; nothing was sent.',
    es: 'Ese mensaje es demasiado grande; no se envió nada.',
    pt: 'Essa mensagem é grande demais; nada foi enviado.',
  },
  'event.ended': { en: '{role} ended the chat', es: '{role} terminó el chat', pt: '{role} encerrou o chat' },
  'event.lost': {
    en: '{count} line(s) lost here: the log could not be written',
    es: '{count} línea(s) perdida(s) aquí: no se pudo escribir el log',
    pt: '{count} linha(s) perdida(s) aqui: não foi possível escrever o log',
  },
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
