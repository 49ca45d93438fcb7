/**
 * @module cli/commands/explain
 * `aequa explain MODEL DATA [--rows 0,5,9] [--method auto|…] [--background N|FILE]`: local attributions
 * (SHAP values and friends, Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874) for chosen rows,
 * printed as a table, Markdown or the JSON contract `{ schemaVersion, method, parameters, explanations }`.
 */
import { join } from 'node:path';
import { randomInt, seededRng } from '../../core/index.js';
import { cellString, type Table } from '../../data/index.js';
import {
  createExplainer,
  EXPLAIN_METHODS,
  type ExplainMethod,
  type Explanation,
  explanationToJSON,
  type Link,
  limeText,
  topAttributions,
} from '../../explain/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  multiFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION, withLedger } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { progressBar } from '../render/progress.js';

const METHODS = ['auto', ...Object.keys(EXPLAIN_METHODS)] as const;

export const explainCommand: CommandSpec = {
  name: 'explain',
  summary:
    'Explain single decisions: which features pushed the prediction up or down, and by how much (SHAP, LIME, IG).',
  usage:
    'aequa explain <model> <data file> [--rows 0,5,9 | --where "sex=\'Female\'"] [--method auto|exact|kernel|permutation|tree|linear|lime|ig] [--background N|FILE]',
  options: {
    rows: {
      type: 'string',
      description: 'Row indices to explain (from 0), comma-separated',
      placeholder: 'LIST',
      default: '0',
    },
    where: {
      type: 'string',
      description:
        'Explain the rows matching a condition instead, e.g. "sex=\'Female\' and age>=40" (=, !=, <, <=, >, >=)',
      placeholder: 'EXPR',
    },
    limit: {
      type: 'string',
      description: 'With --where: at most this many rows',
      placeholder: 'N',
      default: '20',
    },
    method: { type: 'string', description: METHODS.join(' | '), placeholder: 'NAME', default: 'auto' },
    background: {
      type: 'string',
      description: 'Background rows: a number N (sampled from the data) or a data file',
      placeholder: 'N|FILE',
      default: '100',
    },
    link: {
      type: 'string',
      description: 'identity (probability) | logit (log-odds)',
      placeholder: 'LINK',
      default: 'identity',
    },
    seed: {
      type: 'string',
      description: 'Seed of sampling and background selection',
      placeholder: 'N',
      default: '0',
    },
    nsamples: {
      type: 'string',
      description: 'Coalitions per row (kernel, permutation) or samples (lime)',
      placeholder: 'N',
    },
    steps: { type: 'string', description: 'Integrated-gradients steps', placeholder: 'N', default: '50' },
    'tree-mode': {
      type: 'string',
      description: 'TreeSHAP: path-dependent | interventional',
      placeholder: 'MODE',
    },
    group: {
      type: 'string',
      multiple: true,
      description: 'Explain columns together as one feature: NAME=col1,col2',
      placeholder: 'SPEC',
    },
    class: {
      type: 'string',
      description: 'Explained class of a multiclass model (default: the first)',
      placeholder: 'NAME',
    },
    top: {
      type: 'string',
      description: 'Attributions shown per row in table/markdown output',
      placeholder: 'K',
      default: '8',
    },
    format: { type: 'string', description: 'table | json | markdown', placeholder: 'FMT', default: 'table' },
    out: {
      type: 'string',
      description: 'Folder for explanation.json and explanation.md',
      placeholder: 'DIR',
    },
    features: {
      type: 'string',
      multiple: true,
      description: 'Input columns, in order (ONNX files not made by aequa, endpoints, modules)',
      placeholder: 'COLS',
    },
    'text-column': {
      type: 'string',
      description: 'Column holding the text (transformers.js folder)',
      placeholder: 'COL',
    },
    ...LOAD_OPTIONS,
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa explain adult-gbdt.json adult.csv --rows 0,5,9 --link logit',
    'aequa explain model.onnx adult.csv --rows 3 --method kernel --background 100 --format json',
  ],
};

/** `n` distinct row indices of a table of `rows` rows, chosen with a seeded generator, in order. */
function sampleRows(rows: number, n: number, seed: number): Uint32Array {
  const idx = Uint32Array.from({ length: rows }, (_, i) => i);
  const rng = seededRng(seed).fork('background');
  const k = Math.min(n, rows);
  for (let t = 0; t < k; t++) {
    const r = t + randomInt(rng, rows - t);
    const tmp = idx[t]!;
    idx[t] = idx[r]!;
    idx[r] = tmp;
  }
  return idx.subarray(0, k).sort();
}

const fmt = (v: number): string =>
  (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(3)).replace(
    '-',
    '−',
  );
const signed = (v: number): string => (v >= 0 ? `+${fmt(v)}` : `−${fmt(-v)}`);
const shown = (v: unknown): string => (v === null ? '(missing)' : v === undefined ? '' : String(v));

/** Plain-text rendering: per row the prediction, base value and the top attributions with signs. */
export function renderExplanationTable(e: Explanation, top: number): string {
  const cls = e.parameters.explainedClass;
  const of = typeof cls === 'string' ? ` of ${cls}` : '';
  const scale = e.link === 'logit' ? `log-odds${of}` : of ? `probability${of}` : 'value';
  const lines = [
    `aequa explain · method ${e.method}${e.parameters.reason ? ` (${String(e.parameters.reason)})` : ''} · ${scale}`,
  ];
  e.rows.forEach((r, i) => {
    lines.push(
      '',
      `row ${r.row}: prediction ${fmt(r.prediction)} · base value ${fmt(r.baseValue)} · difference ${signed(r.prediction - r.baseValue)}`,
    );
    const ranked = topAttributions(e, i, top);
    const labels = ranked.map((a) => `${a.feature} = ${shown(a.value)}`);
    const w = Math.min(48, Math.max(8, ...labels.map((l) => l.length)));
    ranked.forEach((a, k) => {
      const label = labels[k]!.length > w ? `${labels[k]!.slice(0, w - 1)}…` : labels[k]!;
      lines.push(
        `  ${a.attribution >= 0 ? '▲' : '▼'} ${label.padEnd(w)} ${signed(a.attribution).padStart(10)}`,
      );
    });
    const rest = e.featureNames.length - ranked.length;
    if (rest > 0) {
      let s = r.prediction - r.baseValue;
      for (const a of ranked) s -= a.attribution;
      lines.push(
        `    ${`${rest} other feature${rest === 1 ? '' : 's'}`.padEnd(w)} ${signed(s).padStart(10)}`,
      );
    }
    const gap = r.diagnostics?.completenessGap;
    if (gap !== undefined) lines.push(`    completeness gap Σφ − (f(x) − f(x′)) = ${signed(gap)}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Markdown rendering: one table per row. */
export function renderExplanationMarkdown(e: Explanation, top: number): string {
  const out = [`# Explanation (${e.method}, ${e.link === 'logit' ? 'log-odds' : 'output scale'})`, ''];
  if (e.parameters.reason) out.push(`Method: ${String(e.parameters.reason)}.`, '');
  e.rows.forEach((r, i) => {
    out.push(`## Row ${r.row}`, '', `Prediction ${fmt(r.prediction)}, base value ${fmt(r.baseValue)}.`, '');
    out.push('| feature | value | attribution |', '| --- | --- | ---: |');
    for (const a of topAttributions(e, i, top))
      out.push(
        `| ${a.feature.replace(/\|/g, '\\|')} | ${shown(a.value).replace(/\|/g, '\\|')} | ${signed(a.attribution)} |`,
      );
    out.push('');
  });
  return `${out.join('\n')}\n`;
}

type Condition = { readonly column: string; readonly op: string; readonly value: string };

/** Parses `a='x' and b>=3` into conditions (values may be quoted with ' or "). */
export function parseWhere(expr: string, cmd = 'explain'): Condition[] {
  const parts = expr.split(/\s+and\s+/i);
  return parts.map((p) => {
    const m = /^\s*([^=!<>\s]+)\s*(=|==|!=|<=|>=|<|>)\s*(?:'([^']*)'|"([^"]*)"|([^\s=<>!'"]\S*))\s*$/.exec(p);
    if (!m)
      throw usageError(
        `--where: cannot read "${p.trim()}"; write COLUMN OP VALUE, e.g. sex='Female' or age>=40, joined by "and".`,
        cmd,
      );
    return { column: m[1]!, op: m[2] === '==' ? '=' : m[2]!, value: m[3] ?? m[4] ?? m[5]! };
  });
}

/** Indices of the rows meeting every condition (numbers compared as numbers, text as text). */
export function matchRows(table: Table, conds: readonly Condition[], limit: number): number[] {
  const out: number[] = [];
  const cols = conds.map((c) => table.column(c.column, '--where'));
  for (let i = 0; i < table.nrows && out.length < limit; i++) {
    let ok = true;
    for (let k = 0; k < conds.length && ok; k++) {
      const c = conds[k]!;
      const cell = cellString(cols[k]!, i);
      if (cell === null) {
        ok = false;
        break;
      }
      const a = Number(cell);
      const b = Number(c.value);
      const numeric = cols[k]!.kind === 'number' && Number.isFinite(b);
      const cmp = numeric ? a - b : cell < c.value ? -1 : cell > c.value ? 1 : 0;
      ok =
        c.op === '='
          ? cmp === 0
          : c.op === '!='
            ? cmp !== 0
            : c.op === '<'
              ? cmp < 0
              : c.op === '<='
                ? cmp <= 0
                : c.op === '>'
                  ? cmp > 0
                  : cmp >= 0;
    }
    if (ok) out.push(i);
  }
  return out;
}

function parseGroups(specs: readonly string[], cmd: string): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const s of specs) {
    const m = /^([^=]+)=(.+)$/.exec(s);
    if (!m) throw usageError(`--group must look like NAME=col1,col2, got "${s}".`, cmd);
    groups[m[1]!.trim()] = listFlag(m[2]!);
  }
  return groups;
}

export async function runExplain(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'explain';
  const { values, positionals } = parseCommandArgs(explainCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(explainCommand));
    return 0;
  }
  if (positionals.length !== 2)
    throw usageError('Give a model and a data file: aequa explain MODEL DATA.', cmd);
  const method = stringFlag(values.method) ?? 'auto';
  if (!(METHODS as readonly string[]).includes(method))
    throw usageError(`--method must be one of ${METHODS.join(', ')}, got "${method}".`, cmd);
  const link = stringFlag(values.link) ?? 'identity';
  if (link !== 'identity' && link !== 'logit')
    throw usageError(`--link must be identity or logit, got "${link}".`, cmd);
  const format = stringFlag(values.format) ?? 'table';
  if (!['table', 'json', 'markdown'].includes(format))
    throw usageError(`--format must be table, json or markdown, got "${format}".`, cmd);
  const intCheck = (x: number): string | null =>
    Number.isInteger(x) && x >= 0 ? null : 'must be a non-negative integer';
  const posCheck = (x: number): string | null =>
    Number.isInteger(x) && x >= 1 ? null : 'must be a positive integer';
  const seed = numberFlag(values.seed, 'seed', cmd, intCheck) ?? 0;
  const top = numberFlag(values.top, 'top', cmd, posCheck) ?? 8;
  const nsamples = numberFlag(values.nsamples, 'nsamples', cmd, posCheck);
  const steps = numberFlag(values.steps, 'steps', cmd, posCheck) ?? 50;
  const treeMode = stringFlag(values['tree-mode']);
  if (treeMode !== undefined && treeMode !== 'path-dependent' && treeMode !== 'interventional')
    throw usageError(`--tree-mode must be path-dependent or interventional, got "${treeMode}".`, cmd);
  const where = stringFlag(values.where);
  if (where !== undefined && values.rows !== undefined)
    throw usageError('Give --rows or --where, not both.', cmd);
  const conditions = where === undefined ? undefined : parseWhere(where, cmd);
  const limit = numberFlag(values.limit, 'limit', cmd, posCheck) ?? 20;
  const rows = listFlag(values.rows ?? '0').map((s) => {
    const x = Number(s);
    if (!Number.isInteger(x) || x < 0) throw usageError(`--rows takes row indices from 0, got "${s}".`, cmd);
    return x;
  });
  const groups = parseGroups(multiFlag(values.group), cmd);

  const features = listFlag(values.features);
  const textColumn = stringFlag(values['text-column']);
  const { loadAnyModel } = await import('../../models/adapters/index.js');
  const model = await loadAnyModel(positionals[0]!, {
    ...(features.length ? { features } : {}),
    ...(textColumn ? { textColumn } : {}),
  });
  const { loadTable } = await import('../../data/io/index.js');
  const loadOpts = loadOptionsFromFlags(values, cmd);
  const data = await loadTable(positionals[1]!, loadOpts);
  if (conditions !== undefined) {
    rows.splice(0, rows.length, ...matchRows(data, conditions, limit));
    if (rows.length === 0)
      throw usageError(
        `--where "${where}" matches no row of ${positionals[1]}; check the column values.`,
        cmd,
      );
  }
  const bgSpec = stringFlag(values.background) ?? '100';
  let background: Table;
  if (/^\d+$/.test(bgSpec)) {
    const n = Number(bgSpec);
    if (n < 1) throw usageError('--background N needs N ≥ 1.', cmd);
    background = data.take(sampleRows(data.nrows, n, seed));
  } else background = await loadTable(bgSpec, loadOpts);

  let classIndex: number | undefined;
  const cls = stringFlag(values.class);
  if (cls !== undefined) {
    classIndex = model.classes.indexOf(cls);
    if (classIndex < 0)
      throw usageError(`--class must be one of ${model.classes.join(', ')}, got "${cls}".`, cmd);
  }
  const bar = progressBar({
    write: (t) => io.stderr(t),
    isTTY: io.stderrIsTTY ?? false,
    columns: io.columns,
  });
  const explainer = createExplainer(model, {
    method: method as 'auto' | ExplainMethod,
    link: link as Link,
    background,
    seed,
    steps,
    groups,
    ...(nsamples === undefined ? {} : { nsamples }),
    ...(treeMode === undefined ? {} : { treeMode }),
    ...(classIndex === undefined ? {} : { classIndex }),
    onProgress: (p) => bar.update({ label: `explain (${p.label})`, done: p.done, total: p.total }),
  });
  // A text model (--text-column) under LIME: words are the features, one explanation per row.
  const textLime = explainer.method === 'lime' && textColumn !== undefined;
  const explanations: Explanation[] = [];
  try {
    if (textLime) {
      for (const [k, row] of rows.entries()) {
        explanations.push(
          await limeText(model, data, {
            row,
            textColumn,
            seed,
            link: link as Link,
            ...(nsamples === undefined ? {} : { nsamples }),
          }),
        );
        bar.update({ label: 'explain (lime text)', done: k + 1, total: rows.length });
      }
    } else explanations.push(await explainer.explain(data, { rows }));
  } finally {
    bar.finish();
  }
  const e = explanations[0]!;
  const parts = explanations.map(explanationToJSON);
  const json = { ...parts[0]!, explanations: parts.flatMap((p) => p.explanations) };
  const render = (f: (x: Explanation, top: number) => string): string =>
    explanations.map((x) => f(x, top)).join('\n');
  const text =
    format === 'json'
      ? `${JSON.stringify(json, null, 2)}\n`
      : format === 'markdown'
        ? render(renderExplanationMarkdown)
        : render(renderExplanationTable);
  io.stdout(text);
  const outDir = stringFlag(values.out);
  const written: string[] = [];
  if (outDir) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(outDir, { recursive: true });
    const jsonPath = join(outDir, 'explanation.json');
    const mdPath = join(outDir, 'explanation.md');
    await writeFileAtomic(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeFileAtomic(mdPath, render(renderExplanationMarkdown));
    written.push(jsonPath, mdPath);
    io.stderr(`aequa explain · written to ${jsonPath} and ${mdPath}\n`);
  }
  await withLedger(
    cmd,
    argv,
    values,
    positionals,
    io,
    { method: e.method, link: e.link, rows, parameters: e.parameters },
    written,
  );
  return 0;
}
