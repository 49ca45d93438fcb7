/**
 * Format detection and the delimited-text dialect sniffer (pure parts of data/io). Expected
 * values are read off the small inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withWarnings } from '../../core/index.js';
import {
  contentKind,
  formatFromPath,
  parseRecords,
  sniffDelimiter,
  sniffHeader,
  uniqueNames,
} from './formats.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('formatFromPath', () => {
  it.each([
    ['a.csv', 'csv', false, false],
    ['A.TSV', 'tsv', false, false],
    ['x/y.csv.gz', 'csv', true, false],
    ['d.parquet', 'parquet', false, false],
    ['d.ndjson', 'jsonl', false, false],
    ['d.feather', 'arrow', false, false],
    ['adult.data', 'csv', false, true],
    ['adult.test', 'csv', false, true],
    ['dir.v2/noext', 'csv', false, true],
  ])('reads %s as %s (gzip %s, guessed %s)', (path, format, gzip, guessed) => {
    expect(formatFromPath(path)).toEqual({ format, gzip, guessed });
  });
});

describe('contentKind', () => {
  it('recognises magic bytes, binary and text', () => {
    expect(contentKind(enc('PAR1xxxx'))).toBe('parquet');
    expect(contentKind(enc('ARROW1\0\0'))).toBe('arrow');
    expect(contentKind(new Uint8Array([0xff, 0xff, 0xff, 0xff, 8, 0]))).toBe('arrow');
    expect(contentKind(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(contentKind(new Uint8Array([0x50, 0x4b, 3, 4]))).toBe('zip');
    expect(contentKind(new Uint8Array([65, 0, 66]))).toBe('binary');
    expect(contentKind(new Uint8Array([0xc3, 0x28, 0x41, 0x41, 0x41, 0x41]))).toBe('binary'); // invalid UTF-8
    expect(contentKind(enc('name,city\nZoë,Zürich\n'))).toBe('text');
  });
});

describe('parseRecords', () => {
  it('handles quotes, doubled quotes, embedded delimiters and line breaks, CRLF and blank lines', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",z\r\n';
    expect(parseRecords(text, ',', 10)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
  });

  it('drops a record cut off at the end of an incomplete sample', () => {
    expect(parseRecords('a,b\n1,2\n3,', ',', 10, false)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads back any grid of fields written with RFC 4180 quoting', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', ' ', 'é') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        (grid) => {
          const text = grid.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\n');
          expect(parseRecords(text, ',', 100)).toEqual(grid);
        },
      ),
    );
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['a,b\n1,2\n', ','],
    ['a;b;c\n1;2;3\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['a|b\n1|2\n', '|'],
    ['A11 6 A34\nA12 48 A32 \n', ' '], // trailing blank, as on line 267 of german.data
    ['"x, y";z\n"1, 2";3\n', ';'],
    ['single\ncolumn\n', ','],
  ])('finds the delimiter of %j', (text, d) => {
    expect(sniffDelimiter(text)).toBe(d);
  });
});

describe('sniffHeader', () => {
  it('sees a header above numbers, and none when the first row holds a number', () => {
    expect(
      sniffHeader([
        ['age', 'sex'],
        ['39', 'Male'],
      ]),
    ).toBe(true);
    expect(
      sniffHeader([
        ['39', 'State-gov'],
        ['50', 'Private'],
      ]),
    ).toBe(false);
    expect(
      sniffHeader([
        ['A11', '6'],
        ['A12', '48'],
      ]),
    ).toBe(false);
  });

  it('takes distinct text above text as a header, and repeated text as data', () => {
    expect(
      sniffHeader([
        ['name', 'city'],
        ['ann', 'paris'],
      ]),
    ).toBe(true);
    expect(
      sniffHeader([
        ['x', 'x'],
        ['y', 'y'],
      ]),
    ).toBe(false);
  });
});

describe('uniqueNames', () => {
  it('keeps the first copy, renames later ones _1, _2 ignoring case, and warns per rename', async () => {
    const { result, warnings } = await withWarnings(() =>
      uniqueNames(['a', 'b', 'a', 'A', '', 'a_1'], 'f.csv'),
    );
    expect(result).toEqual(['a', 'b', 'a_1', 'A_2', 'column5', 'a_1_1']);
    expect(warnings.map((w) => w.details?.renamed)).toEqual(['a_1', 'A_2', 'a_1_1']);
    expect(warnings.every((w) => w.code === 'AEQ_W_DUPLICATE_COLUMN')).toBe(true);
  });
});
