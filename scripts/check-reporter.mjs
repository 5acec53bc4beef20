// A node:test reporter for the exercise checkers: one line per check, ✔ or ✖, and for a failure
// the first lines of what it says is missing. Used by `npm run check` (scripts/check.ts).

const MAX_LINES = 6;

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* checkReporter(source) {
  for await (const { type, data } of source) {
    if (type === 'test:pass' && data.details?.type !== 'suite' && data.nesting > 0) {
      yield `  ✔ ${data.name}\n`;
    } else if (type === 'test:fail' && data.details?.type !== 'suite') {
      yield `  ✖ ${data.nesting > 0 ? data.name : 'the checker could not run'}\n${indent(reason(data.details?.error))}`;
    }
  }
}

/** What the failure says, without node's wrapping and stack. */
function reason(error) {
  const cause = error?.cause ?? error;
  const text = cause instanceof Error ? cause.message : String(cause ?? 'failed');
  return text.split('\n').filter((line) => !/^\s+at /.test(line)).slice(0, MAX_LINES).join('\n');
}

function indent(text) {
  return text.split('\n').map((line) => `      ${line}\n`).join('');
}
