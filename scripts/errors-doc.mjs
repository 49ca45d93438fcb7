// Renders docs/errors.md from the error and warning registries (src/core/errors.ts, warnings.ts).
// `node scripts/errors-doc.mjs` (after `npm run build`) rewrites the file; test/errors-doc.test.ts
// fails when the committed file differs from what this renders.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function renderErrorsDoc(errorCodes, warningCodes) {
  const esc = (s) => s.replaceAll('|', '\\|');
  const lines = [
    '# Error and warning codes',
    '',
    'Every error aequa throws on purpose carries a stable `code`. The CLI prints the message, a hint and the code',
    'on stderr and exits with status 2. Codes are public API: a retired code is never reused.',
    '',
    '_Generated from `src/core/errors.ts` and `src/core/warnings.ts` by `node scripts/errors-doc.mjs`; do not edit by hand._',
    '',
    '## Errors',
    '',
    '| code | meaning | how to fix |',
    '| --- | --- | --- |',
    ...Object.entries(errorCodes).map(
      ([code, v]) => `| \`${code}\` | ${esc(v.meaning)} | ${esc(v.howToFix)} |`,
    ),
    '',
    '## Warnings',
    '',
    'Warnings do not stop a run. They are printed on stderr and listed in the `warnings` field of JSON results.',
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...Object.entries(warningCodes).map(([code, meaning]) => `| \`${code}\` | ${esc(meaning)} |`),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ERROR_CODES, WARNING_CODES } = await import('../dist/core/index.js');
  const out = new URL('../docs/errors.md', import.meta.url);
  writeFileSync(out, renderErrorsDoc(ERROR_CODES, WARNING_CODES));
  console.log(`wrote ${fileURLToPath(out)}`);
}
