/**
 * Test fixture: transpiles TypeScript sources to plain ESM JavaScript in a scratch folder, keeping their
 * layout, so that a test can run them in separate `node` processes (real parties of the secure
 * aggregation, not mocks). Used by `http.test.ts` and `cli/commands/secagg.test.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Writes each of `files` (paths under `srcRoot`) as `.js` at the same relative path under `outDir`, and an
 * ESM `package.json` there.
 * @example transpileTo(SRC, [join(SRC, 'core/rng.ts')], out) // writes out/core/rng.js and out/package.json
 */
export function transpileTo(srcRoot: string, files: readonly string[], outDir: string): void {
  for (const f of files) {
    const js = ts.transpileModule(readFileSync(f, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const dest = join(outDir, relative(srcRoot, f)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, js);
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
}
