/**
 * @module privacy/anonymity/hierarchy
 * Generalisation hierarchies for quasi-identifiers (Samarati & Sweeney 1998, "domain generalization
 * hierarchies", https://dataprivacylab.org/dataprivacy/projects/kanonymity/paper3.pdf): numeric binning by
 * widening intervals, character masking from the right (ZIP codes), and category trees given as
 * parent maps (JSON or YAML). Every hierarchy ends in the fully suppressed value '*'.
 */
import { ConfigError, type Issue } from '../../core/index.js';
import { type Column, cellString } from '../../data/index.js';

/** Numeric binning: level i (1…widths.length) puts a value in [origin + j·w, origin + (j+1)·w). */
export interface NumericHierarchy {
  readonly kind: 'numeric';
  /** Bin widths, increasing, one per level. @default doubling widths from about range/32 up to the range */
  readonly widths?: readonly number[];
  /** Left edge of the first bin. @default 0 */
  readonly origin?: number;
}

/** Masking from the right: level i replaces the last i characters with '*' (e.g. 13053 → 1305* → 130**). */
export interface MaskHierarchy {
  readonly kind: 'mask';
  /** Characters masked at the last level before full suppression. @default the longest value's length − 1 */
  readonly maxMasked?: number;
}

/** A category tree: `levels[0]` maps each value to its parent, `levels[1]` each parent to its parent, … */
export interface CategoryHierarchy {
  readonly kind: 'category';
  readonly levels: readonly Readonly<Record<string, string>>[];
}

/** How one quasi-identifier may be generalised. */
export type Hierarchy = NumericHierarchy | MaskHierarchy | CategoryHierarchy;

/** One level of a column's hierarchy, applied to the data: a label per row plus its information loss. */
export interface Level {
  /** Label index per row (-1 for a missing cell, which is never generalised). */
  readonly codes: Int32Array;
  readonly labels: readonly string[];
  /** Normalized certainty penalty of each label, in [0, 1] (Xu et al. 2006). */
  readonly ncp: Float64Array;
}

/**
 * Validates hierarchies from a parsed JSON/YAML object: `{ column: { kind: 'numeric', widths: [5, 10] }, … }`.
 * Collects every problem before throwing.
 * @throws {AEQ_CONFIG_INVALID} listing each malformed entry
 * @example parseHierarchies({ age: { kind: 'numeric', widths: [5, 10, 20] } }).age.kind // 'numeric'
 */
export function parseHierarchies(input: unknown): Record<string, Hierarchy> {
  const issues: Issue[] = [];
  const out: Record<string, Hierarchy> = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ConfigError('AEQ_CONFIG_INVALID', 'The hierarchies file', [
      { code: 'type', path: [], message: 'must be an object mapping column names to hierarchies' },
    ]);
  for (const [col, raw] of Object.entries(input as Record<string, unknown>)) {
    const h = raw as Record<string, unknown>;
    if (typeof h !== 'object' || h === null) {
      issues.push({
        code: 'type',
        path: [col],
        message: `hierarchy of "${col}" must be an object with a kind`,
      });
      continue;
    }
    if (h.kind === 'numeric') {
      const w = h.widths;
      if (
        w !== undefined &&
        (!Array.isArray(w) ||
          w.length === 0 ||
          !w.every((x, i) => typeof x === 'number' && x > 0 && (i === 0 || x > (w[i - 1] as number))))
      )
        issues.push({
          code: 'widths',
          path: [col, 'widths'],
          message: `widths of "${col}" must be increasing positive numbers, got ${JSON.stringify(w)}`,
        });
      if (h.origin !== undefined && typeof h.origin !== 'number')
        issues.push({
          code: 'origin',
          path: [col, 'origin'],
          message: `origin of "${col}" must be a number`,
        });
      out[col] = {
        kind: 'numeric',
        ...(Array.isArray(w) ? { widths: w as number[] } : {}),
        ...(typeof h.origin === 'number' ? { origin: h.origin } : {}),
      };
    } else if (h.kind === 'mask') {
      if (h.maxMasked !== undefined && !(Number.isInteger(h.maxMasked) && (h.maxMasked as number) >= 1))
        issues.push({
          code: 'maxMasked',
          path: [col, 'maxMasked'],
          message: `maxMasked of "${col}" must be a positive integer`,
        });
      out[col] = { kind: 'mask', ...(typeof h.maxMasked === 'number' ? { maxMasked: h.maxMasked } : {}) };
    } else if (h.kind === 'category') {
      const lv = h.levels;
      if (
        !Array.isArray(lv) ||
        !lv.every(
          (m) =>
            typeof m === 'object' &&
            m !== null &&
            Object.values(m).every((x) => typeof x === 'string' || typeof x === 'number'),
        )
      ) {
        issues.push({
          code: 'levels',
          path: [col, 'levels'],
          message: `levels of "${col}" must be a list of {value: parent} maps (empty: straight to '*')`,
        });
        continue;
      }
      out[col] = {
        kind: 'category',
        levels: (lv as Record<string, unknown>[]).map((m) =>
          Object.fromEntries(Object.entries(m).map(([k, x]) => [k, String(x)])),
        ),
      };
    } else {
      issues.push({
        code: 'kind',
        path: [col, 'kind'],
        message: `kind of "${col}" must be numeric, mask or category, got ${JSON.stringify(h.kind)}`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError('AEQ_CONFIG_INVALID', 'The hierarchies file', issues);
  return out;
}

function niceWidth(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/** Builds level 0 (the values themselves) … the top level ('*') of one column. */
export function buildLevels(col: Column, nrows: number, spec: Hierarchy | undefined): Level[] {
  const raw: (string | null)[] = new Array(nrows);
  for (let i = 0; i < nrows; i++) raw[i] = cellString(col, i);
  const numeric = col.kind === 'number';
  const h: Hierarchy = spec ?? (numeric ? { kind: 'numeric' } : defaultTextHierarchy(raw));
  const labelFns: ((row: number) => string)[] = [(i) => raw[i]!];
  const ncpOfLabel: ((label: string, members: Set<string>) => number)[] = [];
  const distinct = new Set(raw.filter((x): x is string => x !== null));
  const nd = distinct.size;
  const setNcp = (members: Set<string>): number => (nd <= 1 ? 0 : (members.size - 1) / (nd - 1));
  if (h.kind === 'numeric') {
    if (!numeric)
      throw new ConfigError('AEQ_CONFIG_INVALID', 'The hierarchies', [
        { code: 'kind', path: [], message: 'a numeric hierarchy was given for a text column' },
      ]);
    const vals = (col as { values: Float64Array }).values;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < nrows; i++)
      if (raw[i] !== null) {
        lo = Math.min(lo, vals[i]!);
        hi = Math.max(hi, vals[i]!);
      }
    const range = hi > lo ? hi - lo : 1;
    let widths = h.widths;
    if (widths === undefined) {
      const ws: number[] = [];
      for (let w = niceWidth(range / 32); w < range; w *= 2) ws.push(w);
      widths = ws;
    }
    const origin = h.origin ?? 0;
    for (const w of widths) {
      labelFns.push((i) => {
        const a = origin + Math.floor((vals[i]! - origin) / w) * w;
        return `[${fmt(a)}, ${fmt(a + w)})`;
      });
    }
    ncpOfLabel.push(() => 0);
    for (const w of widths) ncpOfLabel.push(() => Math.min(1, w / range));
  } else if (h.kind === 'mask') {
    const maxLen = Math.max(1, ...[...distinct].map((s) => s.length));
    const maxMasked = Math.min(h.maxMasked ?? maxLen - 1, maxLen);
    for (let m = 1; m <= maxMasked; m++)
      labelFns.push((i) => {
        const s = raw[i]!;
        const keep = Math.max(0, s.length - m);
        return s.slice(0, keep) + '*'.repeat(s.length - keep);
      });
  } else {
    for (let d = 0; d < h.levels.length; d++) {
      const depth = d;
      labelFns.push((i) => {
        let v = raw[i]!;
        for (let j = 0; j <= depth; j++) v = h.levels[j]![v] ?? v;
        return v;
      });
    }
  }
  labelFns.push(() => '*');
  const levels: Level[] = [];
  labelFns.forEach((fn, li) => {
    const codes = new Int32Array(nrows);
    const index = new Map<string, number>();
    const labels: string[] = [];
    const members: Set<string>[] = [];
    for (let i = 0; i < nrows; i++) {
      if (raw[i] === null) {
        codes[i] = -1;
        continue;
      }
      const lab = fn(i);
      let c = index.get(lab);
      if (c === undefined) {
        c = labels.length;
        labels.push(lab);
        members.push(new Set());
        index.set(lab, c);
      }
      codes[i] = c;
      members[c]!.add(raw[i]!);
    }
    const ncp = new Float64Array(labels.length);
    const isTop = li === labelFns.length - 1;
    for (let c = 0; c < labels.length; c++) {
      if (isTop) ncp[c] = 1;
      else if (li === 0) ncp[c] = 0;
      else if (h.kind === 'numeric') ncp[c] = ncpOfLabel[li]!(labels[c]!, members[c]!);
      else ncp[c] = setNcp(members[c]!);
    }
    levels.push({ codes, labels, ncp });
  });
  return levels;
}

/** Text columns default to masking when every value has the same length (codes such as ZIP), else to '*'. */
function defaultTextHierarchy(raw: readonly (string | null)[]): Hierarchy {
  let len = -1;
  for (const s of raw) {
    if (s === null) continue;
    if (len === -1) len = s.length;
    else if (s.length !== len) return { kind: 'category', levels: [] };
  }
  return len > 1 ? { kind: 'mask' } : { kind: 'category', levels: [] };
}
