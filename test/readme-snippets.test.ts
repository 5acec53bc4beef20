/**
 * Keeps the READMEs true: every code block whose fence names a file (```ts server/realtime/hub.ts)
 * must appear in that file as written. Lines are compared trimmed, blank lines left out; a line
 * that is only `// …` or `…` (or `...`) stands for code left out, so the parts around it are
 * checked one by one, in order.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const LAB_DOCS = ['README.md', 'NOTES.md', 'PROTOCOL.md'];
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'labs')).flatMap((lab) => LAB_DOCS.map((doc) => `labs/${lab}/${doc}`)),
].filter((doc) => existsSync(join(ROOT, doc)));
const FENCE = /^```(\w+) +(\S+)\s*$/;
const ELISION = /^(\/\/ )?(…|\.\.\.)$/;

interface Snippet {
  doc: string;
  line: number;
  file: string;
  parts: string[][];
}

/** The code blocks of a Markdown file that name their file, split into their parts. */
export function snippetsOf(doc: string, markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const parts: string[][] = [[]];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) {
      const text = lines[i]!.trim();
      if (ELISION.test(text)) parts.push([]);
      else if (text !== '') parts.at(-1)!.push(text);
    }
    snippets.push({ doc, line: start + 1, file: open[2]!, parts: parts.filter((part) => part.length > 0) });
  }
  return snippets;
}

/** Where `part` starts as a run of consecutive lines of `code` at or after `from`, or -1. */
export function findRun(code: string[], part: string[], from = 0): number {
  for (let start = from; start + part.length <= code.length; start++) {
    if (part.every((line, k) => code[start + k] === line)) return start;
  }
  return -1;
}

const normalise = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');

describe('course: README snippets', () => {
  it('finds a snippet, its parts, and where each part stands', () => {
    const [snippet] = snippetsOf('X.md', ['text', '```ts server/a.ts', '  one();', '', '  // …', 'two();', '```'].join('\n'));
    assert.deepEqual(snippet, { doc: 'X.md', line: 2, file: 'server/a.ts', parts: [['one();'], ['two();']] });
    const code = normalise('zero();\n  one();\nmiddle();\ntwo();');
    assert.equal(findRun(code, ['one();']), 1);
    assert.equal(findRun(code, ['one();', 'two();']), -1);
    assert.equal(findRun(code, ['one();'], 2), -1);
  });

  for (const doc of DOCS) {
    const snippets = snippetsOf(doc, readFileSync(join(ROOT, doc), 'utf8'));
    if (snippets.length === 0) continue;
    it(`${doc}: every snippet that names a file matches it`, () => {
      const problems = snippets.flatMap(({ line, file, parts }) => {
        const path = resolve(ROOT, dirname(doc), file);
        const where = `${doc}:${line} quotes ${relative(ROOT, path)}`;
        if (!existsSync(path)) return [`${where}, which does not exist`];
        const code = normalise(readFileSync(path, 'utf8'));
        let from = 0;
        for (const part of parts) {
          const at = findRun(code, part, from);
          if (at === -1) return [`${where}, but this part is not in it (in this order):\n${part.join('\n')}`];
          from = at + part.length;
        }
        return [];
      });
      assert.deepEqual(problems, []);
    });
  }
});
