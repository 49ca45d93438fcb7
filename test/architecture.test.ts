/**
 * Keeps DESIGN's layering honest: imports go downward only, siblings import each other through
 * `index.ts`, browser-safe folders import nothing from `node:` or Node-only packages, and library
 * code does no console output, reads no environment and never calls Math.random.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Layer rank: a file may import only from its own layer or lower ones. */
const RANK: Record<string, number> = {
  core: 0,
  data: 1,
  metrics: 2,
  models: 3,
  bias: 4,
  mitigation: 4,
  explain: 4,
  privacy: 4,
  robustness: 4,
  text: 4,
  accountability: 5,
  report: 6,
  // top-level entry modules (src/index.ts, src/audit.ts) orchestrate the layers below the CLI.
  '': 7,
  cli: 8,
  server: 8,
};

const BROWSER_SAFE = ['core', 'metrics', 'explain', 'privacy/mechanisms'];
const NODE_ONLY_PACKAGES = [
  '@duckdb/node-api',
  'pg',
  'onnxruntime-node',
  '@huggingface/transformers',
  'better-sqlite3',
  'playwright-core',
];
/** Folders allowed to write to the console / read the environment (entry points). */
const IO_ALLOWED = ['cli', 'server'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? '' : rel[0]!;
}

function imports(text: string): string[] {
  const out: string[] = [];
  const re =
    /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2])!);
  return out;
}

const files = walk(SRC);

describe('architecture', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports go downward only, and siblings import each other through index.ts', () => {
    const problems: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const spec of imports(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f), spec);
        const to = layerOf(target);
        if (RANK[to] === undefined || RANK[from] === undefined) {
          problems.push(`${relative(SRC, f)} imports ${spec}: unknown layer "${to || from}"`);
          continue;
        }
        if (RANK[to]! > RANK[from]!)
          problems.push(`${relative(SRC, f)} imports ${spec}: ${to}/ is above ${from || 'src'}/`);
        if (to !== from && to !== '' && RANK[from]! < RANK.cli!) {
          // Across layers, go through the folder's public surface: <layer>/index.js, or a
          // sub-folder's index (data/io/index.js), or a documented module of the layer root.
          const relTarget = relative(SRC, target);
          const depth = relTarget.split('/').length;
          const isIndex = relTarget.endsWith('index.js') || relTarget.endsWith('index.ts');
          if (!isIndex && depth > 2)
            problems.push(`${relative(SRC, f)} imports ${spec}: import ${to}/ through its index.ts`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('browser-safe folders import nothing from node: or Node-only packages', () => {
    const problems: string[] = [];
    for (const f of files) {
      const rel = relative(SRC, f);
      if (!BROWSER_SAFE.some((b) => rel.startsWith(`${b}/`))) continue;
      for (const spec of imports(readFileSync(f, 'utf8'))) {
        if (
          spec.startsWith('node:') ||
          NODE_ONLY_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`))
        )
          problems.push(`${rel} imports ${spec}`);
        if (spec.startsWith('.') && /\/io\//.test(resolve(dirname(f), spec)))
          problems.push(`${rel} imports Node-only ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('library code does not print, read the environment or call Math.random', () => {
    const problems: string[] = [];
    for (const f of files) {
      const rel = relative(SRC, f);
      if (IO_ALLOWED.some((b) => rel.startsWith(`${b}/`))) continue;
      const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/\bconsole\.(log|error|warn|info|debug)\b/.test(text)) problems.push(`${rel} uses console`);
      if (/\bprocess\.env\b/.test(text)) problems.push(`${rel} reads process.env`);
      if (/\bMath\.random\b/.test(text)) problems.push(`${rel} calls Math.random`);
    }
    expect(problems).toEqual([]);
  });
});
