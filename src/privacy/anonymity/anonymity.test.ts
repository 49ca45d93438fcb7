import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAequaError, seededRng } from '../../core/index.js';
import { cellString, fromArrays, type Table } from '../../data/index.js';
import { anonymize } from './generalize.js';
import { parseHierarchies } from './hierarchy.js';
import { checkAnonymity, emd } from './measures.js';

/** Independent brute-force check: smallest count of identical QI tuples, by direct string comparison. */
function bruteForceK(t: Table, qi: readonly string[]): number {
  const rows: string[][] = [];
  for (let i = 0; i < t.nrows; i++) rows.push(qi.map((q) => String(cellString(t.column(q), i))));
  let k = Number.POSITIVE_INFINITY;
  for (const r of rows) {
    let same = 0;
    for (const s of rows) if (s.every((v, j) => v === r[j])) same++;
    k = Math.min(k, same);
  }
  return rows.length === 0 ? 0 : k;
}

describe('checkAnonymity on hand examples', () => {
  // two classes of 3: A = (30s, 130**) flu, flu, cancer; B = (40s, 148**) flu, asthma, cancer
  const t = fromArrays({
    age: ['30s', '30s', '30s', '40s', '40s', '40s'],
    zip: ['130**', '130**', '130**', '148**', '148**', '148**'],
    diagnosis: ['flu', 'flu', 'cancer', 'flu', 'asthma', 'cancer'],
  });

  it('reports k, distinct and entropy l, and t with the equal distance', () => {
    const r = checkAnonymity(t, { qi: ['age', 'zip'], sensitive: 'diagnosis', k: 3, l: 3, t: 0.2 });
    expect(r.k).toBe(3);
    expect(r.classes).toBe(2);
    expect(r.distinctL).toBe(2); // class A holds {flu, cancer}
    // entropy l of class A: exp(−(2/3 ln 2/3 + 1/3 ln 1/3)) = 1.5^(2/3) · 3^(1/3) ≈ 1.88988; class B: 3
    expect(r.entropyL).toBeCloseTo(1.5 ** (2 / 3) * 3 ** (1 / 3), 12);
    // overall (flu, cancer, asthma) = (1/2, 1/3, 1/6); class A (2/3, 1/3, 0): ½(1/6 + 0 + 1/6) = 1/6; class B likewise 1/6
    expect(r.t).toBeCloseTo(1 / 6, 12);
    expect(r.tDistance).toBe('equal');
    expect(r.meets).toEqual({ k: true, l: false, t: true });
  });

  it('reproduces the ordered-distance EMD values of Li, Li & Venkatasubramanian (2007)', () => {
    // salaries 3k…11k, overall uniform; the paper gives D[P1, Q] = 0.375 for {3k,4k,5k} and 0.167 for {6k,8k,11k}
    expect(emd([1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0, 0], new Array(9).fill(1 / 9), true)).toBeCloseTo(
      0.375,
      12,
    );
    expect(emd([0, 0, 0, 1 / 3, 0, 1 / 3, 0, 0, 1 / 3], new Array(9).fill(1 / 9), true)).toBeCloseTo(
      1 / 6,
      12,
    );
    const salaries = fromArrays({
      g: ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'],
      salary: [3, 4, 5, 6, 8, 11, 7, 9, 10],
    });
    const r = checkAnonymity(salaries, { qi: ['g'], sensitive: 'salary' });
    expect(r.tDistance).toBe('ordered');
    expect(r.t).toBeCloseTo(0.375, 12);
  });

  it('lists the smallest classes with their values', () => {
    const u = fromArrays({ sex: ['F', 'F', 'M'], zip: ['1', '1', '2'] });
    const r = checkAnonymity(u, { qi: ['sex', 'zip'], k: 2 });
    expect(r.k).toBe(1);
    expect(r.rowsBelowK).toBe(1);
    expect(r.smallest[0]).toEqual({ values: { sex: 'M', zip: '2' }, size: 1 });
  });
});

function syntheticTable(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const age: number[] = [];
  const zip: string[] = [];
  const sex: string[] = [];
  const diagnosis: string[] = [];
  const zips = ['13053', '13068', '13021', '14850', '14853', '14880'];
  for (let i = 0; i < n; i++) {
    age.push(18 + Math.floor(rng.nextFloat64() * 60));
    zip.push(zips[Math.floor(rng.nextFloat64() * zips.length)]!);
    sex.push(rng.nextFloat64() < 0.5 ? 'F' : 'M');
    diagnosis.push(['flu', 'asthma', 'cancer', 'none'][Math.floor(rng.nextFloat64() * 4)]!);
  }
  return fromArrays({ age, zip, sex, diagnosis });
}

const HIER = parseHierarchies({
  age: { kind: 'numeric', widths: [5, 10, 20, 40] },
  zip: { kind: 'mask', maxMasked: 3 },
  sex: { kind: 'category', levels: [] },
});

describe('anonymize', () => {
  it('releases a table that an independent brute-force count finds k-anonymous', () => {
    const t = syntheticTable(120, 1);
    const r = anonymize(t, { qi: ['age', 'zip', 'sex'], k: 5, hierarchies: HIER, maxSuppression: 0.05 });
    expect(bruteForceK(r.table, ['age', 'zip', 'sex'])).toBeGreaterThanOrEqual(5);
    expect(r.table.nrows).toBe(120 - r.suppressedRows);
    expect(r.suppressedRows).toBeLessThanOrEqual(6); // floor(0.05 · 120)
    expect(r.k).toBe(bruteForceK(r.table, ['age', 'zip', 'sex']));
    expect(r.ncp).toBeGreaterThan(0);
    expect(r.ncp).toBeLessThan(1);
  });

  it('is k-anonymous for random tables, k and suppression limits (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 0.05, 0.2),
        (n, seed, k, sup) => {
          const t = syntheticTable(n, seed);
          try {
            const r = anonymize(t, { qi: ['age', 'zip', 'sex'], k, hierarchies: HIER, maxSuppression: sup });
            expect(bruteForceK(r.table, ['age', 'zip', 'sex'])).toBeGreaterThanOrEqual(k);
            expect(r.suppressedRows).toBeLessThanOrEqual(Math.floor(sup * n));
          } catch (e) {
            // only infeasible when even the fully suppressed table has fewer than k rows
            expect(isAequaError(e) && e.code).toBe('AEQ_ANONYMITY_INFEASIBLE');
            expect(n).toBeLessThan(k);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('picks a node of minimal height: every lower node needs more suppression than allowed', () => {
    const t = syntheticTable(80, 7);
    const qi = ['age', 'zip', 'sex'];
    const r = anonymize(t, { qi, k: 4, hierarchies: HIER, maxSuppression: 0.05 });
    // independent generalisation of one row at a node (age widths 5,10,20,40; zip masked from the right; sex → *)
    const gen = (i: number, [a, z, s]: readonly number[]): string => {
      const age = Number(cellString(t.column('age'), i));
      const zip = cellString(t.column('zip'), i)!;
      const w = [0, 5, 10, 20, 40][a!];
      const ag = a === 5 ? '*' : a === 0 ? String(age) : String(Math.floor(age / w!));
      const zg = z === 4 ? '*' : zip.slice(0, 5 - z!);
      const sg = s === 1 ? '*' : cellString(t.column('sex'), i);
      return `${ag}|${zg}|${sg}`;
    };
    for (let a = 0; a <= 5; a++)
      for (let z = 0; z <= 4; z++)
        for (let s = 0; s <= 1; s++) {
          if (a + z + s >= r.height) continue;
          const counts = new Map<string, number>();
          for (let i = 0; i < t.nrows; i++)
            counts.set(gen(i, [a, z, s]), (counts.get(gen(i, [a, z, s])) ?? 0) + 1);
          let below = 0;
          for (const c of counts.values()) if (c < 4) below += c;
          expect(below, `node ${a},${z},${s}`).toBeGreaterThan(4); // floor(0.05 · 80) = 4
        }
  });

  it('finds a loss no larger with minLoss than with minimalHeight', () => {
    const t = syntheticTable(100, 3);
    const base = { qi: ['age', 'zip', 'sex'], k: 6, hierarchies: HIER };
    const a = anonymize(t, base);
    const b = anonymize(t, { ...base, strategy: 'minLoss' });
    expect(b.ncp).toBeLessThanOrEqual(a.ncp);
    expect(b.nodesEvaluated).toBe(6 * 5 * 2);
  });

  it('also reaches distinct l-diversity when asked', () => {
    const t = syntheticTable(150, 5);
    const r = anonymize(t, {
      qi: ['age', 'zip', 'sex'],
      k: 3,
      l: 3,
      sensitive: 'diagnosis',
      hierarchies: HIER,
    });
    const c = checkAnonymity(r.table, { qi: ['age', 'zip', 'sex'], sensitive: 'diagnosis' });
    expect(c.distinctL).toBeGreaterThanOrEqual(3);
    expect(c.k).toBeGreaterThanOrEqual(3);
  });

  it('says when k cannot be reached', () => {
    const t = syntheticTable(4, 1);
    expect(() => anonymize(t, { qi: ['age'], k: 5 })).toThrow(/No generalisation of age reaches k = 5/);
  });

  it('computes NCP by hand on a tiny table', () => {
    // ages 20, 24, 26, 29 (range 9); widths [5, 10] from origin 0; k = 2, no suppression allowed.
    // level 1 (width 5): [20,25) ×2, [25,30) ×2 → k = 2; NCP = 5/9 per cell → mean 5/9
    const t = fromArrays({ age: [20, 24, 26, 29] });
    const r = anonymize(t, {
      qi: ['age'],
      k: 2,
      maxSuppression: 0,
      hierarchies: { age: { kind: 'numeric', widths: [5, 10] } },
    });
    expect(r.levels).toEqual({ age: { level: 1, top: 3 } });
    expect(r.ncp).toBeCloseTo(5 / 9, 12);
    const col = r.table.column('age');
    expect([0, 1, 2, 3].map((i) => cellString(col, i))).toEqual([
      '[20, 25)',
      '[20, 25)',
      '[25, 30)',
      '[25, 30)',
    ]);
  });
});

describe('parseHierarchies', () => {
  it('collects every problem of a malformed file', () => {
    try {
      parseHierarchies({ age: { kind: 'numeric', widths: [10, 5] }, city: { kind: 'tree' } });
      expect.unreachable();
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_CONFIG_INVALID');
      expect((e as Error).message).toContain('2 problems');
    }
  });

  it('generalises categories up a tree', () => {
    const t = fromArrays({ country: ['NL', 'DE', 'FR', 'JP', 'CN', 'KR'] });
    const h = parseHierarchies({
      country: {
        kind: 'category',
        levels: [{ NL: 'Europe', DE: 'Europe', FR: 'Europe', JP: 'Asia', CN: 'Asia', KR: 'Asia' }],
      },
    });
    const r = anonymize(t, { qi: ['country'], k: 3, maxSuppression: 0, hierarchies: h });
    expect(r.levels.country).toEqual({ level: 1, top: 2 });
    // each continent holds 3 of 6 distinct values: NCP = (3 − 1) / (6 − 1) = 0.4
    expect(r.ncp).toBeCloseTo(0.4, 12);
  });
});
