/**
 * @module cli/commands/explain
 * `aequa explain MODEL DATA [--rows 0,5,9] [--method auto|…] [--background N|FILE]`: local attributions
 * (SHAP values and friends, Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874) for chosen rows,
 * printed as a table, Markdown or the JSON contract `{ schemaVersion, method, parameters, explanations }`;
 * per row optionally DiCE counterfactuals (https://arxiv.org/abs/1905.07697) and a plain-language text,
 * and with `--out DIR` a self-contained report.html (plus `--global` model-level explanations and
 * `--disparity` the attribution of a gap between two groups to features).
 */
import { basename, join } from 'node:path';
import { isAequaError, randomInt, seededRng } from '../../core/index.js';
import { cellString, missingCount, type Table } from '../../data/index.js';
import {
  type CounterfactualSet,
  counterfactuals,
  createExplainer,
  disparityBySwapping,
  disparityFromAttributions,
  EXPLAIN_METHODS,
  type ExplainMethod,
  type Explanation,
  explanationToJSON,
  globalSurrogate,
  type Link,
  limeText,
  meanAbsShap,
  narrate,
  naturalLink,
  partialDependence,
  permutationImportance,
  topAttributions,
} from '../../explain/index.js';
import type { Model } from '../../models/index.js';
import {
  type ExplainDisparity,
  type ExplainGlobal,
  type ExplainRowExtras,
  renderExplainHtml,
} from '../../report/index.js';
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
    'aequa explain <model> <data file> [--rows 0,5,9 | --where "sex=\'Female\'"] [--method auto|exact|kernel|permutation|tree|linear|lime|ig] [--background N|FILE] [--counterfactuals K [--immutable COLS] [--ranges COL=LO:HI]] [--out DIR [--global] [--disparity COL [--groups A,B]]]',
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
      description:
        'identity (probability) | logit (log-odds); default identity, logit for boosted-tree classifiers under --method auto|tree',
      placeholder: 'LINK',
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
      description: 'Folder for explanation.json, explanation.md and report.html',
      placeholder: 'DIR',
    },
    counterfactuals: {
      type: 'string',
      description: 'Per row, K diverse counterfactuals (what would change the decision)',
      placeholder: 'K',
    },
    immutable: {
      type: 'string',
      multiple: true,
      description: 'Features counterfactuals never change, e.g. race,sex,age',
      placeholder: 'COLS',
    },
    ranges: {
      type: 'string',
      multiple: true,
      description:
        'Allowed range of a numeric feature in counterfactuals: COL=LO:HI (comma-separated or repeated)',
      placeholder: 'SPEC',
    },
    global: {
      type: 'boolean',
      description:
        'Add permutation importance, partial dependence/ICE and a global surrogate tree (report and JSON)',
    },
    label: {
      type: 'string',
      description:
        "With --global: the label column importance is scored against (default: the model's target)",
      placeholder: 'COL',
    },
    disparity: {
      type: 'string',
      description: 'Attribute the gap between two groups of this column to features',
      placeholder: 'COL',
    },
    groups: {
      type: 'string',
      description: 'With --disparity: the two groups compared, A,B (default: the two most frequent)',
      placeholder: 'A,B',
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
    'aequa explain adult-gbdt.json adult.csv --rows 0 --counterfactuals 3 --immutable race,sex,age --out report',
    'aequa explain adult-gbdt.json adult.csv --rows 0,5 --out report --global --disparity sex --groups Male,Female',
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
/** One counterfactual's changes as `feature: from → to; …`. */
const changesText = (c: CounterfactualSet['counterfactuals'][number]): string =>
  c.changes.map((ch) => `${ch.feature}: ${shown(ch.from)} → ${shown(ch.to)}`).join('; ');

/** Counterfactual lines of one row (plain text), indented by `pad`. */
function counterfactualLines(x: ExplainRowExtras | undefined, pad: string): string[] {
  if (x?.counterfactualError) return [`${pad}counterfactuals: none found (${x.counterfactualError})`];
  const cf = x?.counterfactuals;
  if (!cf) return [];
  const m = cf.metrics;
  const out = [
    `${pad}counterfactuals (${cf.originalOutcome} → ${cf.desiredOutcome}): validity ${fmt(m.validity)} · mean proximity ${fmt(m.meanProximity)} · mean sparsity ${fmt(m.meanSparsity)} · diversity ${fmt(m.diversity)} · ${m.featureSets} distinct feature set${m.featureSets === 1 ? '' : 's'}`,
  ];
  cf.counterfactuals.forEach((c, k) => {
    out.push(
      `${pad}  ${k + 1}. ${changesText(c)}  (P(${cf.desiredOutcome}) ${fmt(c.prediction)}${c.valid ? '' : ', not valid'})`,
    );
  });
  return out;
}

/** The header's scale words: log-odds / probability / value, of the explained class. */
function scaleOf(e: Explanation): string {
  const cls = e.parameters.explainedClass;
  const of = typeof cls === 'string' ? ` of ${cls}` : '';
  return e.link === 'logit' ? `log-odds${of}` : of ? `probability${of}` : 'value';
}

/**
 * Plain-text rendering: per row the prediction, base value and the top attributions with signs, then
 * (when given) the counterfactuals and the plain-language text.
 */
export function renderExplanationTable(
  e: Explanation,
  top: number,
  extras: readonly ExplainRowExtras[] = [],
): string {
  const linkNote = e.parameters.linkReason ? `\n  (${String(e.parameters.linkReason)})` : '';
  const lines = [
    `aequa explain · method ${e.method}${e.parameters.reason ? ` (${String(e.parameters.reason)})` : ''} · ${scaleOf(e)}${linkNote}`,
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
    lines.push(...counterfactualLines(extras[i], '  '));
    const text = extras[i]?.text;
    if (text) lines.push('', ...wrap(text, 100).map((l) => `  ${l}`));
  });
  return `${lines.join('\n')}\n`;
}

/** Greedy word wrap at `width` characters. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

/** Markdown rendering: one table per row, then its counterfactuals and text. */
export function renderExplanationMarkdown(
  e: Explanation,
  top: number,
  extras: readonly ExplainRowExtras[] = [],
): string {
  const out = [`# Explanation (${e.method}, ${e.link === 'logit' ? 'log-odds' : 'output scale'})`, ''];
  if (e.parameters.reason) out.push(`Method: ${String(e.parameters.reason)}.`, '');
  if (e.parameters.linkReason) out.push(`Scale: ${String(e.parameters.linkReason)}.`, '');
  e.rows.forEach((r, i) => {
    out.push(`## Row ${r.row}`, '', `Prediction ${fmt(r.prediction)}, base value ${fmt(r.baseValue)}.`, '');
    out.push('| feature | value | attribution |', '| --- | --- | ---: |');
    for (const a of topAttributions(e, i, top))
      out.push(`| ${mdCell(a.feature)} | ${mdCell(shown(a.value))} | ${signed(a.attribution)} |`);
    out.push('');
    const x = extras[i];
    if (x?.counterfactualError) out.push(`Counterfactuals: none found (${x.counterfactualError}).`, '');
    const cf = x?.counterfactuals;
    if (cf) {
      out.push(
        `Counterfactuals (${cf.originalOutcome} → ${cf.desiredOutcome}; validity ${fmt(cf.metrics.validity)}, diversity ${fmt(cf.metrics.diversity)}):`,
        '',
        `| # | changes | P(${mdCell(cf.desiredOutcome)}) | valid | proximity | sparsity |`,
        '| ---: | --- | ---: | --- | ---: | ---: |',
      );
      for (const [k, c] of cf.counterfactuals.entries())
        out.push(
          `| ${k + 1} | ${mdCell(changesText(c))} | ${fmt(c.prediction)} | ${c.valid ? 'yes' : 'no'} | ${fmt(c.proximity)} | ${c.sparsity} |`,
        );
      out.push('');
    }
    if (x?.text) out.push(`> ${x.text}`, '');
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
  const linkFlag = stringFlag(values.link);
  if (linkFlag !== undefined && linkFlag !== 'identity' && linkFlag !== 'logit')
    throw usageError(`--link must be identity or logit, got "${linkFlag}".`, cmd);
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
  const cfK = numberFlag(values.counterfactuals, 'counterfactuals', cmd, posCheck);
  const immutable = listFlag(values.immutable);
  const ranges = parseRanges(listFlag(values.ranges), cmd);
  if (cfK === undefined && (immutable.length > 0 || Object.keys(ranges).length > 0))
    throw usageError('--immutable and --ranges shape counterfactuals; add --counterfactuals K.', cmd);
  const wantGlobal = values.global === true;
  const labelFlag = stringFlag(values.label);
  const disparityCol = stringFlag(values.disparity);
  const groupPair = listFlag(values.groups);
  if (groupPair.length !== 0 && groupPair.length !== 2)
    throw usageError(`--groups takes exactly two groups, A,B; got "${groupPair.join(',')}".`, cmd);
  if (groupPair.length > 0 && disparityCol === undefined)
    throw usageError('--groups names the groups of --disparity COL; add --disparity.', cmd);

  const features = listFlag(values.features);
  const textColumn = stringFlag(values['text-column']);
  const { loadAnyModel } = await import('../../models/adapters/index.js');
  const model = await loadAnyModel(positionals[0]!, {
    ...(features.length ? { features } : {}),
    ...(textColumn ? { textColumn } : {}),
  });
  // Boosted-tree classifiers are additive in log-odds, where TreeSHAP is exact and fast; on the
  // probability scale only the black-box estimators apply (seconds per row), so auto picks logit.
  let link: Link = linkFlag ?? 'identity';
  let linkReason: string | undefined;
  if (
    linkFlag === undefined &&
    (method === 'auto' || method === 'tree') &&
    naturalLink(model, 'tree') === 'logit'
  ) {
    link = 'logit';
    linkReason =
      'log-odds chosen for the boosted-tree classifier, where TreeSHAP is exact; pass --link identity for probabilities';
  }
  if (cfK !== undefined && model.task === 'regression')
    throw usageError('--counterfactuals needs a classifier; this model is a regression model.', cmd);
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
    link,
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
            link,
            ...(nsamples === undefined ? {} : { nsamples }),
          }),
        );
        bar.update({ label: 'explain (lime text)', done: k + 1, total: rows.length });
      }
    } else explanations.push(await explainer.explain(data, { rows }));
  } finally {
    bar.finish();
  }
  if (linkReason !== undefined)
    for (const [k, x] of explanations.entries())
      explanations[k] = { ...x, parameters: { ...x.parameters, linkReason } };
  const e = explanations[0]!;

  // Per row: counterfactuals, then the text (which cites the first valid counterfactual).
  const extras: ExplainRowExtras[][] = explanations.map((x) => x.rows.map(() => ({})));
  if (!textLime) {
    const rowsOf = e.rows;
    for (const [i, r] of rowsOf.entries()) {
      let cf: CounterfactualSet | undefined;
      let cfError: string | undefined;
      if (cfK !== undefined) {
        try {
          cf = await counterfactuals(model, data.take(Uint32Array.of(r.row)), {
            data,
            k: cfK,
            seed,
            ...(immutable.length ? { immutable } : {}),
            ...(Object.keys(ranges).length ? { ranges } : {}),
          });
        } catch (err) {
          if (!(isAequaError(err) && err.code === 'AEQ_EXPLAIN_NO_COUNTERFACTUAL')) throw err;
          cfError = err.message;
        }
        bar.update({ label: 'counterfactuals', done: i + 1, total: rowsOf.length });
      }
      const firstValid = cf?.counterfactuals.find((c) => c.valid);
      const text =
        model.task === 'binary'
          ? narrate(e, {
              row: i,
              positiveOutcome: `predicted ${model.classes[1] ?? 'positive'}`,
              negativeOutcome: `predicted ${model.classes[0] ?? 'negative'}`,
              threshold: e.link === 'logit' ? 0 : 0.5,
              ...(firstValid ? { counterfactual: firstValid } : {}),
            }).text
          : undefined;
      extras[0]![i] = {
        ...(text === undefined ? {} : { text }),
        ...(cf === undefined ? {} : { counterfactuals: cf }),
        ...(cfError === undefined ? {} : { counterfactualError: cfError }),
      };
    }
    bar.finish();
  }
  const global = wantGlobal
    ? await globalExplanations(model, data, e, labelFlag, seed, groups, cmd)
    : undefined;
  const disparity =
    disparityCol === undefined
      ? undefined
      : await explainDisparity(model, data, explainer, disparityCol, groupPair, seed, cmd);

  const parts = explanations.map((x, k) => explanationJSONWithExtras(x, extras[k]!));
  const json = {
    ...parts[0]!,
    explanations: parts.flatMap((p) => p.explanations),
    ...(global ? { global: globalToJSON(global) } : {}),
    ...(disparity ? { disparity: disparityToJSON(disparity) } : {}),
  };
  const render = (f: (x: Explanation, top: number, extras: readonly ExplainRowExtras[]) => string): string =>
    explanations.map((x, k) => f(x, top, extras[k]!)).join('\n');
  const text =
    format === 'json'
      ? `${JSON.stringify(json, null, 2)}\n`
      : format === 'markdown'
        ? render(renderExplanationMarkdown)
        : render(renderExplanationTable) + (global || disparity ? renderExtrasTable(global, disparity) : '');
  io.stdout(text);
  const outDir = stringFlag(values.out);
  const written: string[] = [];
  if (outDir) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(outDir, { recursive: true });
    const jsonPath = join(outDir, 'explanation.json');
    const mdPath = join(outDir, 'explanation.md');
    const htmlPath = join(outDir, 'report.html');
    await writeFileAtomic(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeFileAtomic(mdPath, render(renderExplanationMarkdown));
    await writeFileAtomic(
      htmlPath,
      renderExplainHtml({
        explanation: e,
        rows: extras[0]!,
        ...(global ? { global } : {}),
        ...(disparity ? { disparity } : {}),
        source: { model: basename(positionals[0]!), data: basename(positionals[1]!) },
      }),
    );
    written.push(jsonPath, mdPath, htmlPath);
    io.stderr(`aequa explain · written to ${jsonPath}, ${mdPath} and ${htmlPath}\n`);
  }
  await withLedger(
    cmd,
    argv,
    values,
    positionals,
    io,
    explainRunSummary(explanations, extras, data.nrows, global, disparity),
    written,
  );
  return 0;
}

/** Parses `age=18:70,hours=10:60` into ranges. */
function parseRanges(specs: readonly string[], cmd: string): Record<string, readonly [number, number]> {
  const out: Record<string, readonly [number, number]> = {};
  for (const s of specs) {
    const m = /^([^=]+)=\s*(-?[\d.eE+-]+)\s*:\s*(-?[\d.eE+-]+)\s*$/.exec(s);
    const lo = m ? Number(m[2]) : Number.NaN;
    const hi = m ? Number(m[3]) : Number.NaN;
    if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
      throw usageError(`--ranges must look like COL=LO:HI with LO ≤ HI, e.g. age=18:70; got "${s}".`, cmd);
    out[m[1]!.trim()] = [lo, hi];
  }
  return out;
}

/** Rows the global explanations use at most (a seeded sample above it keeps --global to seconds). */
const GLOBAL_MAX_ROWS = 2000;
/** Features with partial dependence / ICE curves in the report (the most important ones). */
const PD_FEATURES = 3;
/** Depth of the global surrogate tree: 3 levels (≤ 8 rules) stay readable. */
const SURROGATE_DEPTH = 3;
/** Rows per group explained for a disparity attribution with an exact fast method. */
const DISPARITY_ROWS = 300;

/** Reads the target column name stored in a built-in model (undefined for foreign models). */
function modelTarget(model: Model): string | undefined {
  const t = (model as { target?: unknown }).target;
  return typeof t === 'string' ? t : undefined;
}

async function globalExplanations(
  model: Model,
  data: Table,
  e: Explanation,
  labelFlag: string | undefined,
  seed: number,
  groups: Readonly<Record<string, readonly string[]>>,
  cmd: string,
): Promise<ExplainGlobal> {
  const sample =
    data.nrows > GLOBAL_MAX_ROWS ? data.take(sampleRows(data.nrows, GLOBAL_MAX_ROWS, seed)) : data;
  let label = labelFlag ?? modelTarget(model);
  if (labelFlag !== undefined && !data.has(labelFlag))
    throw usageError(`--label "${labelFlag}" is not a column of the data; give the label column.`, cmd);
  if (label !== undefined && (!sample.has(label) || missingCount(sample.column(label)) > 0))
    label = undefined;
  let target: string | Float64Array;
  let importanceTarget: string;
  if (label !== undefined) {
    target = label;
    importanceTarget = `the label column "${label}"`;
  } else {
    // No label: importance for the model's own decisions (how much each feature moves them).
    const raw = await model.predictProba(sample);
    const k = model.task === 'multiclass' ? model.classes.length : 1;
    target = new Float64Array(sample.nrows);
    for (let i = 0; i < sample.nrows; i++) {
      if (model.task === 'regression') target[i] = raw[i]!;
      else if (k === 1) target[i] = raw[i]! >= 0.5 ? 1 : 0;
      else {
        let best = 0;
        for (let c = 1; c < k; c++) if (raw[i * k + c]! > raw[i * k + best]!) best = c;
        target[i] = best;
      }
    }
    importanceTarget = "the model's own predictions (no label column in the data)";
  }
  const importance = await permutationImportance(model, sample, {
    target,
    metric: model.task === 'binary' ? 'auc' : model.task === 'regression' ? 'r2' : 'accuracy',
    repeats: 5,
    seed,
    groups,
  });
  // Partial dependence for the features with the largest mean |φ| among the explained rows,
  // falling back to permutation importance order.
  const order = [...meanAbsShap(e).map((f) => f.feature), ...importance.features.map((f) => f.feature)];
  const pdFeatures = [...new Set(order.filter((f) => model.features.includes(f)))].slice(0, PD_FEATURES);
  const pds = [];
  for (const f of pdFeatures)
    pds.push(await partialDependence(model, sample, f, { ice: true, sample: 200, seed }));
  const surrogate = await globalSurrogate(model, sample, { maxDepth: SURROGATE_DEPTH, seed });
  return {
    importance,
    importanceTarget,
    partialDependence: pds,
    surrogate,
    surrogateDepth: SURROGATE_DEPTH,
    rows: sample.nrows,
  };
}

async function explainDisparity(
  model: Model,
  data: Table,
  explainer: ReturnType<typeof createExplainer>,
  col: string,
  pair: readonly string[],
  seed: number,
  cmd: string,
): Promise<ExplainDisparity> {
  const c = data.column(col, '--disparity');
  const byGroup = new Map<string, number[]>();
  const groupOf: (string | null)[] = [];
  for (let i = 0; i < data.nrows; i++) {
    const g = cellString(c, i);
    groupOf.push(g);
    if (g === null) continue;
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  }
  let a: string;
  let b: string;
  if (pair.length === 2) {
    [a, b] = [pair[0]!, pair[1]!];
    for (const g of [a, b])
      if (!byGroup.has(g))
        throw usageError(
          `--groups: "${g}" is not a value of ${col}; values: ${[...byGroup.keys()].slice(0, 10).join(', ')}.`,
          cmd,
        );
  } else {
    const ranked = [...byGroup.entries()].sort((p, q) => q[1].length - p[1].length);
    if (ranked.length < 2) throw usageError(`--disparity ${col}: the column has fewer than two groups.`, cmd);
    [a, b] = [ranked[0]![0], ranked[1]![0]];
  }
  if (explainer.method === 'tree' || explainer.method === 'linear') {
    // Exact and fast: explain a sample of each group and compare the mean attributions.
    const pick = (rows: number[], label: string): number[] => {
      if (rows.length <= DISPARITY_ROWS) return rows;
      const idx = sampleRows(rows.length, DISPARITY_ROWS, seed + label.length);
      return Array.from(idx, (k) => rows[k]!);
    };
    const rows = [...pick(byGroup.get(a)!, a), ...pick(byGroup.get(b)!, b)];
    const expl = await explainer.explain(data, { rows });
    const result = disparityFromAttributions(
      expl,
      rows.map((r) => groupOf[r]!),
      { a, b },
    );
    return { sensitive: col, result, link: expl.link };
  }
  const result = await disparityBySwapping(model, data, {
    sensitive: col,
    a,
    b,
    metric: model.task === 'binary' ? 'selectionRate' : 'meanScore',
    seed,
  });
  return { sensitive: col, result };
}

type JsonObj = Record<string, unknown>;
const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(12)) : x);

/** explanationToJSON plus, per row, `text`, `counterfactuals` and `counterfactualMetrics` (additive). */
export function explanationJSONWithExtras(
  e: Explanation,
  extras: readonly ExplainRowExtras[],
): ReturnType<typeof explanationToJSON> {
  const j = explanationToJSON(e);
  return {
    ...j,
    explanations: j.explanations.map((row, i) => {
      const x = extras[i];
      const cf = x?.counterfactuals;
      return {
        ...row,
        ...(x?.text === undefined ? {} : { text: x.text }),
        ...(cf
          ? {
              counterfactuals: cf.counterfactuals.map((c) => ({
                changes: c.changes,
                prediction: c.prediction,
                valid: c.valid,
                proximity: c.proximity,
                sparsity: c.sparsity,
              })),
              counterfactualMetrics: {
                originalOutcome: cf.originalOutcome,
                desiredOutcome: cf.desiredOutcome,
                requested: cf.requested,
                ...cf.metrics,
                evaluations: cf.evaluations,
              },
            }
          : {}),
        ...(x?.counterfactualError === undefined ? {} : { counterfactualError: x.counterfactualError }),
      };
    }),
  };
}

function globalToJSON(g: ExplainGlobal): JsonObj {
  return {
    rows: g.rows,
    permutationImportance: {
      metric: g.importance.metric,
      target: g.importanceTarget,
      baseline: g.importance.baseline,
      repeats: g.importance.repeats,
      features: g.importance.features.map((f) => ({ feature: f.feature, mean: f.mean, sd: f.sd })),
    },
    partialDependence: g.partialDependence.map((pd) => ({
      feature: pd.feature,
      grid: [...pd.grid],
      average: Array.from(pd.average, round),
      scale: pd.output.scale,
    })),
    surrogate: {
      maxDepth: g.surrogateDepth,
      fidelity: g.surrogate.fidelity,
      fidelityMetric: g.surrogate.fidelityMetric,
      trainFidelity: g.surrogate.trainFidelity,
      rules: g.surrogate.rules,
    },
  };
}

function disparityToJSON(d: ExplainDisparity): JsonObj {
  const r = d.result;
  return {
    sensitive: d.sensitive,
    method: r.kind === 'disparityFromAttributions' ? 'attributions' : 'swapping',
    metric:
      r.kind === 'disparityFromAttributions' ? (d.link === 'logit' ? 'meanLogOdds' : 'meanScore') : r.metric,
    groups: r.groups,
    counts: r.counts,
    gap: r.gap,
    ...(r.kind === 'disparityFromAttributions'
      ? { baseGap: r.baseGap, residual: r.residual }
      : { pairGap: r.pairGap, pairs: r.pairs, shapley: r.method }),
    contributions: r.contributions.map((c) => ({
      feature: c.feature,
      contribution: c.contribution,
      share: c.share,
    })),
  };
}

/** Plain-text lines of the global and disparity results, under the rows. */
function renderExtrasTable(g: ExplainGlobal | undefined, d: ExplainDisparity | undefined): string {
  const lines: string[] = [];
  if (g) {
    const imp = g.importance;
    lines.push(
      '',
      `permutation importance (drop in ${imp.metric} against ${g.importanceTarget}, ${imp.repeats} repeats, ${g.rows} rows)`,
    );
    for (const f of imp.features.slice(0, 10))
      lines.push(`  ${f.feature.padEnd(24)} ${fmt(f.mean).padStart(8)} ± ${fmt(f.sd)}`);
    lines.push(
      '',
      `global surrogate (depth ≤ ${g.surrogateDepth}): fidelity ${fmt(g.surrogate.fidelity)} (${g.surrogate.fidelityMetric}, held-out rows)`,
    );
  }
  if (d) {
    const r = d.result;
    const what =
      r.kind === 'disparityFromAttributions'
        ? `mean ${d.link === 'logit' ? 'log-odds' : 'score'}, from attributions`
        : `${r.metric === 'selectionRate' ? 'selection rate' : 'mean score'}, by swapping`;
    lines.push('', `gap in ${d.sensitive}: ${r.groups.a} − ${r.groups.b} = ${signed(r.gap)} (${what})`);
    for (const c of r.contributions.slice(0, 8))
      lines.push(
        `  ${c.contribution >= 0 ? '▲' : '▼'} ${c.feature.padEnd(24)} ${signed(c.contribution).padStart(10)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** Features listed in the ledger summary (by mean |φ|). */
const SUMMARY_TOP = 10;

/**
 * The ledger summary of an explain run: what a model card needs under `explanation` (method, link,
 * rows explained, coverage = rows explained / rows in the data, top features by mean |φ|), plus the
 * counterfactual, global and disparity figures when computed. `coverage` is also top-level, where
 * the compliance rule `explanation-coverage` reads it.
 */
export function explainRunSummary(
  explanations: readonly Explanation[],
  extras: readonly (readonly ExplainRowExtras[])[],
  dataRows: number,
  global: ExplainGlobal | undefined,
  disparity: ExplainDisparity | undefined,
): JsonObj {
  const e = explanations[0]!;
  const rows = explanations.flatMap((x) => x.rows.map((r) => r.row));
  const coverage = dataRows > 0 ? new Set(rows).size / dataRows : 0;
  const top = meanAbsShap(e)
    .slice(0, SUMMARY_TOP)
    .map((f) => ({ feature: f.feature, meanAbs: round(f.meanAbs) }));
  const cfs = extras.flat().filter((x) => x.counterfactuals || x.counterfactualError);
  const explanation: JsonObj = {
    method: e.method,
    link: e.link,
    ...(typeof e.parameters.reason === 'string' ? { reason: e.parameters.reason } : {}),
    rowsExplained: rows.length,
    rowsInData: dataRows,
    coverage: round(coverage),
    topFeatures: top,
    ...(cfs.length
      ? {
          counterfactuals: {
            rows: cfs.length,
            rowsWithValid: cfs.filter((x) => x.counterfactuals?.counterfactuals.some((c) => c.valid)).length,
            requested: cfs.find((x) => x.counterfactuals)?.counterfactuals?.requested ?? null,
          },
        }
      : {}),
    ...(global
      ? {
          permutationImportance: {
            metric: global.importance.metric,
            top: global.importance.features
              .slice(0, SUMMARY_TOP)
              .map((f) => ({ feature: f.feature, mean: round(f.mean), sd: round(f.sd) })),
          },
          surrogateFidelity: round(global.surrogate.fidelity),
        }
      : {}),
    ...(disparity
      ? {
          disparity: {
            sensitive: disparity.sensitive,
            groups: disparity.result.groups,
            gap: round(disparity.result.gap),
            top: disparity.result.contributions
              .slice(0, 5)
              .map((c) => ({ feature: c.feature, contribution: round(c.contribution) })),
          },
        }
      : {}),
  };
  return {
    method: e.method,
    link: e.link,
    rows,
    coverage: round(coverage),
    parameters: e.parameters,
    explanation,
  };
}
