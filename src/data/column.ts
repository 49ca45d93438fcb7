/**
 * @module data/column
 * Columns are tagged unions over typed arrays. Missing is a validity mask, never a sentinel: a NaN
 * in a valid number cell is an input error (AEQ_DATA_NAN), not missing data.
 */

/** A validity bitmask: bit i set means row i holds a value. `null` in a column means "all valid". */
export class Validity {
  readonly length: number;
  readonly words: Uint32Array;

  constructor(length: number, words?: Uint32Array) {
    this.length = length;
    this.words = words ?? new Uint32Array(Math.ceil(length / 32)).fill(0xffffffff);
  }

  /** All rows invalid. */
  static none(length: number): Validity {
    return new Validity(length, new Uint32Array(Math.ceil(length / 32)));
  }

  isValid(row: number): boolean {
    return ((this.words[row >>> 5]! >>> (row & 31)) & 1) === 1;
  }

  setValid(row: number, valid: boolean): void {
    const w = row >>> 5;
    if (valid) this.words[w] = this.words[w]! | (1 << (row & 31));
    else this.words[w] = this.words[w]! & ~(1 << (row & 31));
  }

  /** Number of valid rows. */
  count(): number {
    let n = 0;
    const full = this.length >>> 5;
    for (let w = 0; w < full; w++) n += popcount(this.words[w]!);
    for (let r = full << 5; r < this.length; r++) if (this.isValid(r)) n++;
    return n;
  }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export interface NumberColumn {
  readonly kind: 'number';
  readonly values: Float64Array;
  readonly valid: Validity | null;
}

export interface CategoryColumn {
  readonly kind: 'category';
  /** Index into `levels`; -1 where the cell is missing. */
  readonly codes: Int32Array;
  readonly levels: readonly string[];
  readonly valid: Validity | null;
}

export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly values: Uint8Array;
  readonly valid: Validity | null;
}

export type Column = NumberColumn | CategoryColumn | BooleanColumn;
export type ColumnKind = Column['kind'];

/** True when row `i` of `col` holds a value. */
export function isValidAt(col: Column, i: number): boolean {
  return col.valid === null || col.valid.isValid(i);
}

/** Number of missing cells. */
export function missingCount(col: Column): number {
  return col.valid === null ? 0 : col.valid.length - col.valid.count();
}

export function columnLength(col: Column): number {
  return col.kind === 'category' ? col.codes.length : col.values.length;
}

/** The value of a cell as a string (category level, number, 'true'/'false'), or null when missing. */
export function cellString(col: Column, i: number): string | null {
  if (!isValidAt(col, i)) return null;
  switch (col.kind) {
    case 'category':
      return col.levels[col.codes[i]!] ?? null;
    case 'number':
      return String(col.values[i]);
    case 'boolean':
      return col.values[i] ? 'true' : 'false';
  }
}

/** Builds a number column from plain values; null/undefined become missing. NaN stays NaN (checked by callers). */
export function numberColumn(values: ArrayLike<number | null | undefined>): NumberColumn {
  const n = values.length;
  const out = new Float64Array(n);
  let valid: Validity | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      valid ??= new Validity(n);
      valid.setValid(i, false);
      out[i] = 0;
    } else out[i] = v;
  }
  return { kind: 'number', values: out, valid };
}

/** Builds a category column from strings; null/undefined become missing. Levels are in first-seen order. */
export function categoryColumn(values: ArrayLike<string | null | undefined>): CategoryColumn {
  const n = values.length;
  const codes = new Int32Array(n);
  const index = new Map<string, number>();
  const levels: string[] = [];
  let valid: Validity | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      valid ??= new Validity(n);
      valid.setValid(i, false);
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = levels.length;
      levels.push(v);
      index.set(v, code);
    }
    codes[i] = code;
  }
  return { kind: 'category', codes, levels, valid };
}

/** Builds a boolean column; null/undefined become missing. */
export function booleanColumn(values: ArrayLike<boolean | null | undefined>): BooleanColumn {
  const n = values.length;
  const out = new Uint8Array(n);
  let valid: Validity | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      valid ??= new Validity(n);
      valid.setValid(i, false);
    } else out[i] = v ? 1 : 0;
  }
  return { kind: 'boolean', values: out, valid };
}

/** Selects rows of a column by index (a copy of the selected cells). */
export function takeColumn(col: Column, rows: Uint32Array): Column {
  const n = rows.length;
  let valid: Validity | null = null;
  if (col.valid !== null) {
    valid = new Validity(n);
    for (let i = 0; i < n; i++) if (!col.valid.isValid(rows[i]!)) valid.setValid(i, false);
  }
  switch (col.kind) {
    case 'number': {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = col.values[rows[i]!]!;
      return { kind: 'number', values: v, valid };
    }
    case 'boolean': {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++) v[i] = col.values[rows[i]!]!;
      return { kind: 'boolean', values: v, valid };
    }
    case 'category': {
      const c = new Int32Array(n);
      for (let i = 0; i < n; i++) c[i] = col.codes[rows[i]!]!;
      return { kind: 'category', codes: c, levels: col.levels, valid };
    }
  }
}
