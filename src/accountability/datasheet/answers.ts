/**
 * @module accountability/datasheet/answers
 * The answers a user gives to a datasheet's questions (Gebru et al. 2021,
 * https://arxiv.org/abs/1803.09010): a small YAML mapping, one block per section, one key per
 * question. `datasheetTemplate` writes the blank file with every question as a comment;
 * `parseDatasheetAnswers` checks a parsed file and names a misspelt key with the closest real one.
 */
import { AequaError, closest } from '../../core/index.js';
import { DATASHEET_QUESTIONS, DATASHEET_SECTIONS, type DatasheetSection } from './questions.js';

/** Keys of the answers file outside the sections. */
export const DATASHEET_TOP_KEYS = {
  /** The dataset's name. */
  name: true,
  /** One paragraph about the dataset. */
  description: true,
  /** The dataset's version. */
  version: true,
} as const satisfies Record<string, true>;

/** The parsed answers: top-level name/description/version and, per section, answers by question key. */
export type DatasheetAnswers = {
  readonly [K in keyof typeof DATASHEET_TOP_KEYS]?: string;
} & {
  readonly [S in DatasheetSection]?: Readonly<Record<string, string>>;
};

function invalid(
  source: string,
  message: string,
  hint: string,
  details: Record<string, unknown>,
): AequaError {
  return new AequaError('AEQ_CARD_INVALID', `The datasheet answers file "${source}": ${message}`, {
    hint,
    details,
  });
}

/** An answer as text: strings trimmed, numbers and booleans written out, lists as "- " lines; empty → null. */
function answerText(v: unknown): string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => ['string', 'number', 'boolean'].includes(typeof x)))
    return v.length === 0 ? null : v.map((x) => `- ${String(x)}`).join('\n');
  return undefined;
}

const SECTION_KEYS = Object.keys(DATASHEET_SECTIONS) as DatasheetSection[];
const KEYS_BY_SECTION = new Map<DatasheetSection, string[]>(
  SECTION_KEYS.map((s) => [s, DATASHEET_QUESTIONS.filter((x) => x.section === s).map((x) => x.key)]),
);

/**
 * Checks a parsed answers file (the value `yaml.parse` returns) and normalises every answer to
 * text; empty answers (`~`, `''`, `[]`) are dropped.
 * @throws {AEQ_CARD_INVALID} naming the first unknown key or bad value, with the closest known key
 * @example
 * parseDatasheetAnswers({ motivation: { purpose: 'Credit scoring research', funding: null } })
 * // { motivation: { purpose: 'Credit scoring research' } }
 */
export function parseDatasheetAnswers(value: unknown, source = 'answers'): DatasheetAnswers {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid(
      source,
      `it must be a YAML mapping of sections (motivation:, composition:, …), got ${Array.isArray(value) ? 'a list' : typeof value}.`,
      'Start from `aequa datasheet --template > datasheet.yaml`.',
      {},
    );
  const top = [...Object.keys(DATASHEET_TOP_KEYS), ...SECTION_KEYS];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key in DATASHEET_TOP_KEYS) {
      const t = answerText(v);
      if (t === undefined || (t !== null && Array.isArray(v)))
        throw invalid(source, `"${key}" must be text, got ${JSON.stringify(v)}.`, `Write ${key}: <text>.`, {
          key,
        });
      if (t !== null) out[key] = t;
      continue;
    }
    if (!(key in DATASHEET_SECTIONS)) {
      const owner = DATASHEET_QUESTIONS.find((x) => x.key === key);
      const guess = closest(key, top);
      throw invalid(
        source,
        `unknown key "${key}"; the top level holds ${top.join(', ')}.`,
        owner
          ? `"${key}" is a question of the ${owner.section} section: indent it under "${owner.section}:".`
          : guess
            ? `Did you mean "${guess}"?`
            : 'Start from `aequa datasheet --template` for the full list.',
        { key, ...(guess ? { suggestion: guess } : {}) },
      );
    }
    const section = key as DatasheetSection;
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v))
      throw invalid(
        source,
        `section "${section}" must be a mapping of question keys to answers, got ${JSON.stringify(v)}.`,
        `Indent the answers under "${section}:", e.g. ${section}:\\n  ${KEYS_BY_SECTION.get(section)![0]}: <answer>.`,
        { key: section },
      );
    const known = KEYS_BY_SECTION.get(section)!;
    const answers: Record<string, string> = {};
    for (const [qk, qv] of Object.entries(v as Record<string, unknown>)) {
      const path = `${section}.${qk}`;
      if (!known.includes(qk)) {
        const guess = closest(qk, known);
        const elsewhere = DATASHEET_QUESTIONS.find((x) => x.key === qk);
        throw invalid(
          source,
          `unknown question "${path}"; ${section} has ${known.join(', ')}.`,
          guess
            ? `Did you mean "${section}.${guess}"?`
            : elsewhere
              ? `"${qk}" belongs to the ${elsewhere.section} section: move it under "${elsewhere.section}:".`
              : 'Start from `aequa datasheet --template` for the full list.',
          { key: path, ...(guess ? { suggestion: `${section}.${guess}` } : {}) },
        );
      }
      const t = answerText(qv);
      if (t === undefined)
        throw invalid(
          source,
          `the answer to "${path}" must be text or a list of texts, got ${JSON.stringify(qv)}.`,
          'Write the answer as text (use a YAML block "|" for several paragraphs).',
          { key: path },
        );
      if (t !== null) answers[qk] = t;
    }
    if (Object.keys(answers).length > 0) out[section] = answers;
  }
  return out as DatasheetAnswers;
}

/**
 * The blank answers file: every question as a comment above its key, required ones marked, the ones
 * the data answers marked as prefilled. Parses back with no error and no answer.
 * @example datasheetTemplate().split('\n')[0] // '# Datasheet answers for `aequa datasheet DATA --answers FILE`.'
 */
export function datasheetTemplate(): string {
  const lines = [
    '# Datasheet answers for `aequa datasheet DATA --answers FILE`.',
    '# Questions after Gebru et al., "Datasheets for Datasets" (CACM 2021), https://arxiv.org/abs/1803.09010',
    '# Answer under each question; leave ~ where you have nothing to say. Unanswered (required)',
    '# questions are listed as gaps. Use a YAML block (key: |) for several paragraphs.',
    '',
    'name: ~',
    'description: ~',
    'version: ~',
  ];
  for (const section of SECTION_KEYS) {
    lines.push('', `${section}: # ${DATASHEET_SECTIONS[section]}`);
    for (const x of DATASHEET_QUESTIONS.filter((y) => y.section === section)) {
      const tags = [x.required ? '(required)' : '', x.fromData ? '(prefilled from the data if empty)' : '']
        .filter(Boolean)
        .join(' ');
      lines.push(`  # ${x.question}${tags ? ` ${tags}` : ''}`, `  ${x.key}: ~`);
    }
  }
  return `${lines.join('\n')}\n`;
}
