import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { bsnValid, cnResidentIdValid, ibanValid, ipv6Valid, luhnValid, ssnValid } from './detectors.js';
import { maskValue } from './mask.js';
import { pseudonym, pseudonymizeColumns } from './pseudonymize.js';
import { redactText } from './redact.js';
import { scanText } from './scan.js';
import { hmacSha256, toHex } from './sha256.js';
import { redactTable, scanTable } from './table-scan.js';

const KEY = 'a sixteen+ byte secret key';

describe('check digits', () => {
  it('accepts Luhn-valid numbers and rejects a changed digit', () => {
    // 79927398713: doubled digits from the right 1→2, 8→16→7, 3→6, 2→4, 9→18→9: 7+9+9+4+7+6+9+7+7+2+3 = 70
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
  });

  it('detects every single-digit change of a valid card number (Luhn catches all single errors)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const d = [...'4111111111111111'].map(Number);
        d[pos] = (d[pos]! + delta) % 10;
        expect(luhnValid(d.join(''))).toBe(false);
      }),
    );
  });

  it('checks IBANs by mod 97 and country length', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true); // the ISO 13616 example
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false); // 21 characters, GB needs 22
  });

  it('checks Chinese resident IDs by ISO 7064 MOD 11-2 and the birth date', () => {
    // 11010519491231002X: Σ digit·weight = 167, 167 mod 11 = 2 → check character 'X'
    expect(cnResidentIdValid('11010519491231002X')).toBe(true);
    expect(cnResidentIdValid('110105194912310021')).toBe(false);
    expect(cnResidentIdValid('11010519491331002X')).toBe(false); // month 13
  });

  it('checks Dutch BSNs by the 11-proof', () => {
    // 123456782: 9·1+8·2+7·3+6·4+5·5+4·6+3·7+2·8 − 2 = 176 − 2 = 154 = 14·11
    expect(bsnValid('123456782')).toBe(true);
    expect(bsnValid('123456789')).toBe(false);
    expect(bsnValid('000000000')).toBe(false);
  });

  it('applies the SSA exclusions to SSNs', () => {
    expect(ssnValid('536', '22', '8461')).toBe(true);
    for (const [a, g, s] of [
      ['000', '12', '3456'],
      ['666', '12', '3456'],
      ['912', '12', '3456'],
      ['123', '00', '4567'],
      ['123', '45', '0000'],
      ['078', '05', '1120'],
    ] as const)
      expect(ssnValid(a, g, s), `${a}-${g}-${s}`).toBe(false);
  });

  it('parses IPv6 text forms', () => {
    for (const ok of [
      '::1',
      '2001:db8::1',
      'fe80::1ff:fe23:4567:890a',
      '1:2:3:4:5:6:7:8',
      '::ffff:192.0.2.1',
    ])
      expect(ipv6Valid(ok), ok).toBe(true);
    for (const bad of ['1:2:3', '10:30:00', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9'])
      expect(ipv6Valid(bad), bad).toBe(false);
  });
});

describe('scanText', () => {
  it('reports each finding with its span, text and a confidence in [0, 1]', () => {
    const text = 'Mail jane.doe@example.com, card 4111 1111 1111 1111.';
    const found = scanText(text);
    expect(found.map((f) => [f.entity, f.start, f.end, f.text])).toEqual([
      ['EMAIL', 5, 25, 'jane.doe@example.com'],
      ['CREDIT_CARD', 32, 51, '4111 1111 1111 1111'],
    ]);
    for (const f of found) expect(f.confidence).toBeGreaterThan(0.5);
  });

  it('raises a BSN from doubtful to confident when a context word is near', () => {
    expect(
      scanText('Code 123456782 ok', { minConfidence: 0 }).find((f) => f.entity === 'NL_BSN')?.confidence,
    ).toBe(0.35);
    expect(scanText('BSN 123456782 ok').find((f) => f.entity === 'NL_BSN')?.confidence).toBe(0.9);
  });

  it('reports a date as a date of birth only next to a birth word', () => {
    expect(scanText('Meeting on 1984-07-23.')).toEqual([]);
    expect(scanText('Born 1984-07-23.').map((f) => f.entity)).toEqual(['DATE_OF_BIRTH']);
  });

  it('never returns overlapping findings (property over random mixes of PII and filler)', () => {
    const parts = [
      'jane@example.com',
      '4111 1111 1111 1111',
      '+44 20 7946 0958',
      'BSN 123456782',
      'John Smith',
      'x',
      '12',
      ' ',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...parts), { maxLength: 12 }), (arr) => {
        const found = scanText(arr.join(' '), { minConfidence: 0 });
        for (let i = 1; i < found.length; i++)
          expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
      }),
    );
  });

  it('refuses an unknown entity name', () => {
    expect(() => scanText('x', { entities: ['EMAILS' as never] })).toThrow(/one of EMAIL, PHONE/);
  });
});

describe('operators', () => {
  const text = 'Ask John Smith (john@example.com) or john@example.com; card 4111 1111 1111 1111.';

  it('numbers placeholders by entity, the same value getting the same number', () => {
    expect(redactText(text).text).toBe('Ask <PERSON_1> (<EMAIL_1>) or <EMAIL_1>; card <CREDIT_CARD_1>.');
  });

  it('redacts, masks and hashes', () => {
    expect(redactText(text, { operator: 'redact' }).text).toBe(
      'Ask [REDACTED] ([REDACTED]) or [REDACTED]; card [REDACTED].',
    );
    expect(redactText(text, { operator: 'mask' }).text).toBe(
      'Ask Xxxx Xxxxx (j***@example.com) or j***@example.com; card #### #### #### 1111.',
    );
    const h = toHex(hmacSha256(KEY, 'john@example.com')).slice(0, 12);
    expect(redactText('Mail john@example.com', { operator: 'hash', key: KEY }).text).toBe(
      `Mail <EMAIL:${h}>`,
    );
  });

  it('refuses the hash operator without a key', () => {
    expect(() => redactText(text, { operator: 'hash' })).toThrow(/secret key for the hash operator/);
  });
});

describe('maskValue and pseudonyms', () => {
  it('keeps length, separators and character classes', () => {
    expect(maskValue('AB 12 34 56 C')).toBe('XX ## ## ## X');
    expect(maskValue('Hello-World 42', { keepFirst: 1, keepLast: 2 })).toBe('Hxxxx-Xxxxx 42');
  });

  it('preserves the length and the class of every character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aZ9-_ .@'), maxLength: 30 }), (s) => {
        const m = maskValue(s);
        expect(m.length).toBe(s.length);
        for (let i = 0; i < s.length; i++) {
          const c = s[i]!;
          const expected = /\d/.test(c) ? '#' : /[a-z]/.test(c) ? 'x' : /[A-Z]/.test(c) ? 'X' : c;
          expect(m[i]).toBe(expected);
        }
      }),
    );
  });

  it('makes keyed pseudonyms that are the HMAC prefix, stable and key-dependent', () => {
    const p = pseudonym('alice@example.com', { key: KEY, prefix: 'pid_' });
    expect(p).toBe(`pid_${toHex(hmacSha256(KEY, 'alice@example.com')).slice(0, 16)}`);
    expect(pseudonym('alice@example.com', { key: `${KEY}!` })).not.toBe(p.slice(4));
    expect(() => pseudonym('x', { key: 'short' })).toThrow(/at least 16 bytes/);
  });

  it('pseudonymises identifier columns, keeping equal values equal and missing cells missing', () => {
    const t = fromArrays({ id: ['a1', 'b2', 'a1', null], age: [30, 40, 50, 60] });
    const p = pseudonymizeColumns(t, ['id'], { key: KEY, length: 8 });
    const col = p.column('id');
    if (col.kind !== 'category') throw new Error('expected a category column');
    const v = [0, 1, 2].map((i) => col.levels[col.codes[i]!]);
    expect(v[0]).toBe(toHex(hmacSha256(KEY, 'a1')).slice(0, 8));
    expect(v[0]).toBe(v[2]);
    expect(v[1]).not.toBe(v[0]);
    expect(col.valid?.isValid(3)).toBe(false);
    expect(p.column('age')).toBe(t.column('age'));
  });
});

describe('tables', () => {
  const t = fromArrays({
    note: ['call +44 20 7946 0958', 'all fine', 'mail jane@example.com', null, 'all fine'],
    n: [1, 2, 3, 4, 5],
  });

  it('summarises hits per column with the share of non-missing cells', () => {
    const s = scanTable(t);
    const note = s.columns.find((c) => c.column === 'note')!;
    // 4 non-missing cells, 2 with PII → 0.5
    expect(note).toMatchObject({ cells: 4, cellsWithPii: 2, hitRate: 0.5, entities: { PHONE: 1, EMAIL: 1 } });
    expect(note.examples).toEqual(['call +## ## #### ##58', 'mail j***@example.com']);
    expect(s.columns.find((c) => c.column === 'n')).toMatchObject({
      cellsWithPii: 0,
      hitRate: 0,
      dominant: null,
    });
  });

  it('redacts chosen columns with placeholders numbered within the column', () => {
    const r = redactTable(t, ['note']);
    const col = r.column('note');
    if (col.kind !== 'category') throw new Error('expected a category column');
    expect([0, 1, 2].map((i) => col.levels[col.codes[i]!])).toEqual([
      'call <PHONE_1>',
      'all fine',
      'mail <EMAIL_1>',
    ]);
  });
});
