import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chooseLocale } from '../client/src/i18n/choose.ts';
import * as es from '../client/src/i18n/es.ts';
import * as pt from '../client/src/i18n/pt.ts';

const SOURCE = fileURLToPath(new URL('../client/src/', import.meta.url));

type Kind = 'string' | 'str' | 'html';

/** Every `msg(source, { id })` of the client: id → what kind of template it is and how many values it has. */
async function sourceMessages(): Promise<Map<string, { kind: Kind; values: number; source: string }>> {
  const found = new Map<string, { kind: Kind; values: number; source: string }>();
  for (const file of await readdir(SOURCE, { recursive: true })) {
    if (!file.endsWith('.ts')) continue;
    const text = await readFile(join(SOURCE, file), 'utf8');
    if (text.includes('export const templates')) continue; // a catalogue
    const calls = text.match(/\bmsg\(/g)?.length ?? 0;
    const messages = [...text.matchAll(/\bmsg\(\s*([\s\S]*?),\s*\{ id: '([^']+)' \}/g)];
    assert.equal(messages.length, calls, `every msg() in ${file} has an explicit { id: '…' }`);
    for (const [, source, id] of messages) {
      const kind: Kind = source!.startsWith('html`') ? 'html' : source!.startsWith('str`') ? 'str' : 'string';
      const message = { kind, values: source!.match(/\$\{/g)?.length ?? 0, source: source! };
      const seen = found.get(id!);
      assert.ok(!seen || seen.source === message.source, `the id ${id} names one text, not two`);
      found.set(id!, message);
    }
  }
  return found;
}

/** What kind a catalogue's entry is, and which source values it uses. */
function described(template: unknown): { kind: Kind; values: number[] } {
  if (typeof template === 'string') return { kind: 'string', values: [] };
  const { values } = template as { values: number[] };
  return { kind: 'strTag' in (template as object) ? 'str' : 'html', values: [...values].sort((a, b) => a - b) };
}

describe('07 cores: languages', () => {
  for (const [locale, catalogue] of [['es', es.templates], ['pt', pt.templates]] as const) {
    it(`translates every text of the page into ${locale}, and nothing the page no longer says`, async () => {
      const messages = await sourceMessages();
      assert.ok(messages.size > 100, 'the texts were found');
      const ids = [...messages.keys()].sort();
      const translated = Object.keys(catalogue).sort();
      assert.deepEqual(ids.filter((id) => !translated.includes(id)), [], `missing in ${locale}.ts`);
      assert.deepEqual(translated.filter((id) => !ids.includes(id)), [], `in ${locale}.ts but no longer in the source`);
      for (const [id, { kind, values }] of messages) {
        const entry = described((catalogue as Record<string, unknown>)[id]);
        assert.equal(entry.kind, kind, `${locale}: ${id} is a ${kind} like its source`);
        assert.deepEqual(entry.values, [...Array(values).keys()], `${locale}: ${id} uses each of the source's ${values} values once`);
      }
    });
  }

  it("chooses the person's earlier choice, else the first browser language we have by its prefix, else English", () => {
    assert.equal(chooseLocale(null, ['es-CL', 'en-US']), 'es');
    assert.equal(chooseLocale(null, ['pt-BR']), 'pt');
    assert.equal(chooseLocale(null, ['de-DE', 'fr', 'PT-pt', 'es']), 'pt', 'the first that matches, in any case');
    assert.equal(chooseLocale(null, ['de-DE', 'fr']), 'en');
    assert.equal(chooseLocale(null, []), 'en');
    assert.equal(chooseLocale(null, ['english', 'esperanto']), 'en', 'a prefix is the part before "-", not any first letters');
    assert.equal(chooseLocale('pt', ['es-CL']), 'pt', 'a choice made on the page wins');
    assert.equal(chooseLocale('en', ['es-CL']), 'en');
    assert.equal(chooseLocale('klingon', ['es-CL']), 'es', 'a stored value that is not ours is ignored');
  });

  describe('in Spanish and Portuguese', () => {
    // @lit/localize tells `window` when the language changes; node has no window, an EventTarget will do.
    const global = globalThis as { window?: EventTarget };
    const hadWindow = 'window' in global;
    let locale: typeof import('../client/src/i18n/locale.ts');
    let texts: typeof import('../client/src/i18n/texts.ts');
    let notices: typeof import('../client/src/lib/notices.ts');
    before(async () => {
      global.window ??= new EventTarget();
      locale = await import('../client/src/i18n/locale.ts');
      texts = await import('../client/src/i18n/texts.ts');
      notices = await import('../client/src/lib/notices.ts');
    });
    after(async () => {
      await locale.setLocale('en');
      if (!hadWindow) delete global.window;
    });

    it("says the server's refusals by their code, and an unknown code in the server's own words", async () => {
      const refusal = 'There is no room called attic: #lR lists the rooms.';
      assert.equal(texts.errorText('no-such-room', refusal), refusal, 'English: the server sentence, which names the room');
      const taken = 'Login "ADA" is taken: choose another.';
      assert.equal(texts.fieldError('login', 'login-taken', taken), taken);
      await locale.setLocale('es');
      assert.equal(texts.errorText('no-such-room', refusal), 'No hay ninguna sala con ese nombre: #lR muestra las salas.');
      assert.equal(texts.errorText('user-offline', 'bob is not online.', 'bob'), 'bob no está conectado.');
      assert.equal(texts.errorText('a-code-of-tomorrow', 'Something new.'), 'Something new.');
      assert.equal(texts.fieldError('age', 'required', 'Age is required.'), 'El campo Edad es obligatorio.');
      assert.equal(texts.fieldError('login', 'login-taken', taken), 'Ese usuario ya existe: elige otro.');
      assert.equal(texts.fieldError('login', 'a-code-of-tomorrow' as never, 'Login is new.'), 'Login is new.');
      await locale.setLocale('pt');
      assert.equal(texts.errorText('no-such-room', refusal), 'Não existe nenhuma sala com esse nome: #lR mostra as salas.');
      assert.equal(texts.genderLabel('prefer not to say'), 'prefiro não dizer');
    });

    it('tells who came and went with the verb agreeing with how many, and why a room is gone', async () => {
      const notice = (seq: number, text: string) => ({ room: 'lobby', seq, time: seq, kind: 'notice' as const, from: null, text });
      const line = (...texts: string[]) => notices.collapseComings(texts.map((text, i) => notice(i + 1, text))).map((row) => (row.kind === 'comings' ? row.text : notices.noticeText(row.entry.text)));
      const server = [
        'Room games was deleted (ada deleted it); everyone here goes back to the lobby.',
        'Room games was deleted (ada, who created it, left); everyone here goes back to the lobby.',
      ];
      const infos = ['Room games was deleted (ada deleted it): you are back in the lobby.', 'You are in the lobby already: #eR only leaves other rooms.'];
      await locale.setLocale('en');
      assert.deepEqual(line('ana joined', 'bob joined'), ['ana and bob joined']);
      assert.deepEqual([...server.map(notices.noticeText), ...infos.map(notices.infoText)], [...server, ...infos], "English: the server's own words");
      await locale.setLocale('es');
      assert.deepEqual(line('ana joined', 'bob joined'), ['ana y bob entraron']);
      assert.equal(notices.noticeText(server[1]!), 'Se eliminó la sala games (ada, quien la creó, salió); todos los que estaban aquí vuelven al vestíbulo.');
      assert.equal(notices.infoText(infos[0]!), 'Se eliminó la sala games (ada la eliminó): volviste al vestíbulo.');
      assert.equal(notices.infoText('Something new.'), 'Something new.');
      assert.deepEqual(line('ana joined', 'ana left'), ['ana entró y salió']);
      assert.deepEqual(line('ana joined', 'bob joined', 'cy joined', 'dee joined', 'eve left'), ['ana, bob y 2 más entraron · eve salió']);
      assert.deepEqual(line('ana left for study'), ['ana se fue a study']);
      await locale.setLocale('pt');
      assert.deepEqual(line('ana joined'), ['ana entrou']);
      assert.deepEqual(line('ana left', 'bob left', 'cy left'), ['ana, bob e cy saíram']);
      assert.equal(texts.plural(0, 'one', 'other'), 'other', 'no one is "0 pessoas", though the rules of pt count 0 as one');
      assert.equal(texts.plural(1, 'one', 'other'), 'one');
    });
  });
});
