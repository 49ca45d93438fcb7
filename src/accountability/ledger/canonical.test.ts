import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical.js';

// Test cases of RFC 8785 and its reference implementation (cyberphone/json-canonicalization testdata).
describe('canonicalize (RFC 8785)', () => {
  it('serialises the values example: numbers, escapes and literals', () => {
    // testdata/input/values.json → testdata/output/values.json
    const input = JSON.parse(
      '{"numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],' +
        '"escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
    );
  });

  it('sorts property names by UTF-16 code units, not code points (the "weird" example)', () => {
    // testdata/input/weird.json → output/weird.json; U+1F602 (surrogates D83D DE02) sorts before U+FB33.
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "1": "One", "\\u0080": "Control\\u007f", "\\ud83d\\ude02": "Smiley",' +
        '"\\u00f6": "Latin Small Letter O With Diaeresis", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
        '"</script>": "Browser Challenge"}',
    );
    expect(canonicalize(input)).toBe(
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts nested objects and keeps array order (the "structures" example)', () => {
    const input = JSON.parse(
      '{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}',
    );
    expect(canonicalize(input)).toBe(
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    );
  });

  it('writes numbers as ECMAScript does, per the RFC 8785 Appendix B samples', () => {
    // [IEEE 754 bits, expected text] from RFC 8785 Appendix B.
    const samples: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    const got = samples.map(([bits]) => {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, BigInt(`0x${bits}`));
      return canonicalize(dv.getFloat64(0));
    });
    expect(got).toEqual(samples.map((s) => s[1]));
  });

  it('refuses what JCS cannot represent, naming where', () => {
    expect(() => canonicalize({ a: [1, Number.NaN] })).toThrow(/NaN at a\[1\]/);
    expect(() => canonicalize(Number.POSITIVE_INFINITY)).toThrow(
      expect.objectContaining({ code: 'AEQ_LEDGER_RECORD_INVALID' }),
    );
    expect(() => canonicalize({ s: 'x\ud800' })).toThrow(/lone surrogate at s/);
    expect(() => canonicalize({ u: undefined })).toThrow(/type undefined at u/);
    expect(() => canonicalize({ d: new Date(0) })).toThrow(/class Date at d/);
    expect(() => canonicalize(10n)).toThrow(/bigint/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => canonicalize(cyc)).toThrow(/cyclic structure at self/);
  });

  it('is idempotent and insensitive to key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalize(v);
        expect(canonicalize(JSON.parse(c))).toBe(c);
        // Re-inserting the keys in reverse order does not change the canonical text.
        const reversed = JSON.parse(c, (_k, x) =>
          x && typeof x === 'object' && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).reverse())
            : x,
        );
        expect(canonicalize(reversed)).toBe(c);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same text on its fast path as the checked walk, for deep nesting and many keys', () => {
    // 100 levels exceed the fast path's depth of 64, so the checked walk writes this one; by hand:
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(canonicalize(deep)).toBe(`${'['.repeat(100)}1${']'.repeat(100)}`);
    // 20 keys (more than the insertion-sort limit of 16), inserted in reverse: sorted by code unit.
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const obj = Object.fromEntries([...keys].reverse().map((k) => [k, k === 'k03' ? 'a"b\n' : 0]));
    expect(canonicalize(obj)).toBe(
      `{${keys.map((k) => `"${k}":${k === 'k03' ? '"a\\"b\\n"' : 0}`).join(',')}}`,
    );
    // A lone surrogate deep in an array is still refused with its path.
    expect(() => canonicalize({ a: [[0, '\udc00']] })).toThrow(/lone surrogate at a\[0\]\[1\]/);
  });
});
