/**
 * @module accountability/datasheet/build-datasheet
 * `buildDatasheet`: merges what the data says about itself (a `DatasetProfile`, the file's SHA-256)
 * with the user's answers into a datasheet in the seven sections of Gebru et al. 2021
 * (https://arxiv.org/abs/1803.09010), and lists the required questions still open as gaps.
 * `datasheetDigest` is the SHA-256 of its RFC 8785 canonical JSON, the value the ledger records.
 */
import { canonicalBytes } from '../ledger/canonical.js';
import { sha256, toHex } from '../ledger/hash.js';
import type { DatasheetAnswers } from './answers.js';
import type { DatasetProfile } from './profile.js';
import {
  DATASHEET_QUESTIONS,
  DATASHEET_SECTIONS,
  type DatasheetQuestion,
  type DatasheetSection,
} from './questions.js';

/** Version of the `Datasheet` layout. */
export const DATASHEET_SCHEMA_VERSION = '1.0.0' as const;

/** One answered or open question. */
export interface DatasheetItem {
  readonly key: string;
  readonly question: string;
  readonly required: boolean;
  /** The user's answer, or null. */
  readonly answer: string | null;
  /** What the data says, for questions the data answers (counts, missingness, groups…), or null. */
  readonly fromData: string | null;
}

/** A question still open: required, with neither an answer nor facts from the data. */
export interface DatasheetGap {
  /** `section.key`, as in the answers file. */
  readonly key: string;
  readonly question: string;
}

/** The datasheet (`aequa datasheet --format json`). */
export interface Datasheet {
  readonly schemaVersion: typeof DATASHEET_SCHEMA_VERSION;
  readonly kind: 'datasheet';
  readonly name: string;
  readonly description: string | null;
  readonly version: string | null;
  /** The data file, by content hash. */
  readonly file: { readonly path: string; readonly sha256: string; readonly bytes: number } | null;
  readonly profile: DatasetProfile;
  readonly sections: readonly {
    readonly id: DatasheetSection;
    readonly title: string;
    readonly items: readonly DatasheetItem[];
  }[];
  readonly gaps: readonly DatasheetGap[];
  /** Required questions answered (by the user or the data) out of all required ones. */
  readonly completeness: { readonly answered: number; readonly required: number; readonly score: number };
}

/** Input of {@link buildDatasheet}. */
export interface DatasheetInput {
  readonly profile: DatasetProfile;
  readonly answers?: DatasheetAnswers;
  readonly file?: { readonly path: string; readonly sha256: string; readonly bytes: number };
  /** Licence (SPDX id); the answer to distribution.license unless the answers give one. */
  readonly license?: string;
  /** Name used when the answers give none. @default the file name, else 'dataset' */
  readonly name?: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : Number.isInteger(x) ? String(x) : x.toFixed(4);

/** The facts from the profile that answer one question, as text; null when the data says nothing. */
function dataAnswer(q: DatasheetQuestion, p: DatasetProfile, license: string | undefined): string | null {
  switch (q.fromData) {
    case undefined:
      return null;
    case 'rows':
      return `${p.rows} row${p.rows === 1 ? '' : 's'}.`;
    case 'columns':
      return `${p.columns.length} column${p.columns.length === 1 ? '' : 's'}: ${p.columns
        .map((c) => `${c.name} (${c.type}${c.role === 'feature' ? '' : `, ${c.role}`})`)
        .join(', ')}.`;
    case 'missing': {
      const m = p.columns.filter((c) => c.missing > 0);
      if (m.length === 0) return 'No cell is missing.';
      const lines = m.map((c) => `${c.name}: ${c.missing} of ${p.rows} missing (${pct(c.missingRate)})`);
      for (const s of p.sensitive)
        for (const g of s.missingByGroup)
          lines.push(
            `${g.column} missing by ${s.feature}: ${Object.entries(g.byGroup)
              .map(([k, v]) => `${k} ${v === null ? 'n/a' : pct(v)}`)
              .join(', ')}`,
          );
      return `${lines.join('; ')}.`;
    }
    case 'subpopulations':
      if (p.sensitive.length === 0) return null;
      return p.sensitive
        .map(
          (s) => `${s.feature}: ${s.groups.map((g) => `${g.group} ${g.count} (${pct(g.share)})`).join(', ')}`,
        )
        .join('; ')
        .concat('.');
    case 'labels': {
      const l = p.label;
      if (!l) return null;
      const parts = [
        `${l.column} (positive: ${l.positive.join(', ')}): ${l.positives} of ${l.positives + l.negatives} labelled rows positive (${pct(l.positiveRate)})${l.missing ? `, ${l.missing} unlabelled` : ''}`,
      ];
      for (const s of p.sensitive)
        if (s.groups.some((g) => g.baseRate !== undefined))
          parts.push(
            `base rate by ${s.feature}: ${s.groups.map((g) => `${g.group} ${num(g.baseRate)}`).join(', ')}${s.baseRateRatio !== undefined ? ` (min/max ${num(s.baseRateRatio)})` : ''}`,
          );
      return `${parts.join('; ')}.`;
    }
    case 'license':
      return license ?? null;
    default: {
      const never: never = q.fromData;
      return never;
    }
  }
}

/**
 * Builds the datasheet. A question's `answer` is the user's; `fromData` holds the facts the data
 * gives (row count, columns, missingness, groups, base rates, licence flag). A required question
 * with neither is a gap.
 * @example
 * const ds = buildDatasheet({ profile: await profileDataset(fromArrays({ x: [1, 2] })), answers: { motivation: { purpose: 'Demo' } } });
 * ds.sections[0].items[0].answer // 'Demo'
 * ds.gaps.length // 17: every required question but motivation.purpose and composition.missing
 */
export function buildDatasheet(input: DatasheetInput): Datasheet {
  const answers = input.answers ?? {};
  const sections = (Object.keys(DATASHEET_SECTIONS) as DatasheetSection[]).map((id) => ({
    id,
    title: DATASHEET_SECTIONS[id],
    items: DATASHEET_QUESTIONS.filter((q) => q.section === id).map(
      (q): DatasheetItem => ({
        key: q.key,
        question: q.question,
        required: q.required,
        answer: answers[id]?.[q.key] ?? null,
        fromData: dataAnswer(q, input.profile, input.license),
      }),
    ),
  }));
  const gaps: DatasheetGap[] = [];
  let required = 0;
  for (const s of sections)
    for (const it of s.items) {
      if (!it.required) continue;
      required++;
      if (it.answer === null && it.fromData === null)
        gaps.push({ key: `${s.id}.${it.key}`, question: it.question });
    }
  const fileName = input.file?.path.split(/[\\/]/).pop();
  return {
    schemaVersion: DATASHEET_SCHEMA_VERSION,
    kind: 'datasheet',
    name: answers.name ?? input.name ?? fileName ?? 'dataset',
    description: answers.description ?? null,
    version: answers.version ?? null,
    file: input.file ? { path: input.file.path, sha256: input.file.sha256, bytes: input.file.bytes } : null,
    profile: input.profile,
    sections,
    gaps,
    completeness: {
      answered: required - gaps.length,
      required,
      score: required > 0 ? (required - gaps.length) / required : 1,
    },
  };
}

/**
 * SHA-256 (lowercase hex) of the datasheet's RFC 8785 canonical JSON: what the ledger records.
 * @example datasheetDigest(ds) // '3b0c…' (64 hex digits)
 */
export function datasheetDigest(ds: Datasheet): string {
  return toHex(sha256(canonicalBytes(ds)));
}
