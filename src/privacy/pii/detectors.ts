/**
 * @module privacy/pii/detectors
 * Rule-based PII detectors: a pattern finds candidates, a validator (check digits, ranges) rejects
 * look-alikes, and context words nearby raise the confidence. Check digits: Luhn (ISO/IEC 7812-1) for
 * cards, ISO 13616 mod-97 for IBANs, ISO 7064 MOD 11-2 for Chinese resident IDs (GB 11643-1999), the
 * "11-proof" for Dutch BSNs; US SSN exclusions follow SSA rules (https://www.ssa.gov/employer/randomization.html).
 */
import { AMBIGUOUS, FIRST_NAMES, NOT_NAME_AFTER, SURNAMES, TITLES } from './names.js';

/** The kinds of personal data the scanner finds. */
export type PiiEntity =
  | 'EMAIL'
  | 'PHONE'
  | 'CREDIT_CARD'
  | 'IBAN'
  | 'IP_ADDRESS'
  | 'US_SSN'
  | 'CN_RESIDENT_ID'
  | 'UK_NINO'
  | 'NL_BSN'
  | 'DATE_OF_BIRTH'
  | 'PERSON';

/** Every entity, as a record so the compiler catches an omission. */
export const PII_ENTITIES: Readonly<Record<PiiEntity, true>> = {
  EMAIL: true,
  PHONE: true,
  CREDIT_CARD: true,
  IBAN: true,
  IP_ADDRESS: true,
  US_SSN: true,
  CN_RESIDENT_ID: true,
  UK_NINO: true,
  NL_BSN: true,
  DATE_OF_BIRTH: true,
  PERSON: true,
};

/** One piece of personal data found in a text: `text.slice(start, end)`, with a confidence in [0, 1]. */
export interface PiiFinding {
  readonly entity: PiiEntity;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly confidence: number;
}

type Emit = (entity: PiiEntity, start: number, end: number, confidence: number) => void;

/** True when one of `words` occurs (as whole words, case-insensitive) within the window around [start, end). */
function hasContext(
  text: string,
  start: number,
  end: number,
  words: RegExp,
  before = 40,
  after = 25,
): boolean {
  const win = `${text.slice(Math.max(0, start - before), start)} ${text.slice(end, end + after)}`;
  words.lastIndex = 0;
  return words.test(win);
}

const clamp = (x: number): number => Math.min(1, Math.max(0, x));

// ---------- check digits -------------------------------------------------------------------------------

/** Luhn check (ISO/IEC 7812-1) over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21,
  LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26,
  UA: 29, VG: 24, XK: 20,
}; // biome-ignore format: a table

/** ISO 13616 check: move the first four characters to the end, letters → 10…35, the number mod 97 must be 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  const len = IBAN_LENGTHS[s.slice(0, 2)];
  if (len === undefined || s.length !== len || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let m = 0;
  for (const c of r) {
    const v = c >= 'A' ? c.charCodeAt(0) - 55 : c.charCodeAt(0) - 48;
    m = v >= 10 ? (m * 100 + v) % 97 : (m * 10 + v) % 97;
  }
  return m === 1;
}

const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CN_CHECK = '10X98765432';

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[m - 1]!;
}

/** Chinese resident ID (GB 11643-1999): region, valid birth date, ISO 7064 MOD 11-2 check character. */
export function cnResidentIdValid(id: string): boolean {
  if (!/^[1-9]\d{16}[\dXx]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  if (y < 1900 || y > 2100 || !validDate(y, Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * CN_WEIGHTS[i]!;
  return CN_CHECK[sum % 11] === id[17]!.toUpperCase();
}

/** Dutch BSN 11-proof: 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11), not all zeros. */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/** US SSN rules: area not 000, 666 or 900–999; group not 00; serial not 0000; not a famous invalid number. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  const all = area + group + serial;
  return all !== '078051120' && all !== '219099999' && !/^(\d)\1{8}$/.test(all);
}

/** An IPv6 address (RFC 4291 text forms, with an optional embedded IPv4 tail). */
export function ipv6Valid(s: string): boolean {
  const v4 = /(?:^|:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  let t = s;
  if (v4) {
    if (!v4[1]!.split('.').every((p) => Number(p) <= 255)) return false;
    t = `${s.slice(0, s.length - v4[1]!.length)}0:0`; // an IPv4 tail counts as two groups
  }
  const hex = (g: string): boolean => /^[0-9A-Fa-f]{1,4}$/.test(g);
  const halves = t.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 2) {
    const groups = [...(halves[0] ? halves[0].split(':') : []), ...(halves[1] ? halves[1].split(':') : [])];
    return groups.length <= 7 && groups.every(hex);
  }
  const groups = t.split(':');
  return groups.length === 8 && groups.every(hex);
}

// ---------- detectors ----------------------------------------------------------------------------------

const EMAIL_RE =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/g;

function detectEmails(text: string, emit: Emit): void {
  for (const m of text.matchAll(EMAIL_RE)) emit('EMAIL', m.index, m.index + m[0].length, 0.95);
}

const PHONE_CONTEXT =
  /\b(phone|call|called|calling|tel|telephone|mobile|cell|fax|reach|ring|dial|text|whatsapp|number|contact|hotline)\b/i;
const PHONE_RE =
  /(?<![\w+@/.-])(?:\+\d[\d\s().-]{5,22}\d|\(\d{2,5}\)[\d\s.-]{5,16}\d|\d[\d\s.-]{5,18}\d)(?![\w@/]|[.-]\d)/g;

function detectPhones(text: string, emit: Emit): void {
  for (const m of text.matchAll(PHONE_RE)) {
    const s = m[0];
    const digits = s.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    if (/[\s.-]{2,}|\s[.-]|[.-]\s/.test(s.replace(/\)\s/g, ')'))) continue;
    if (/\n/.test(s)) continue;
    if (
      /^\d{3}-\d{2}-\d{4}$/.test(s) ||
      /^\d{4}[-.]\d{2}[-.]\d{2}$/.test(s) ||
      /^\d{1,2}[-.]\d{1,2}[-.]\d{4}$/.test(s)
    )
      continue; // SSN and date shapes
    const ctx = hasContext(text, m.index, m.index + s.length, PHONE_CONTEXT);
    const seps = /[\s().-]/.test(s);
    let c: number;
    if (s.startsWith('+')) c = digits.length >= 8 ? 0.85 : 0.5;
    else if (/^(?:1[\s.-])?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}$/.test(s)) c = 0.75;
    else if (/^\(?0\d/.test(s) && seps && digits.length >= 9 && digits.length <= 11) c = 0.7;
    else if (seps) c = 0.4;
    else c = 0.25; // a bare digit run is more often an order or invoice number
    if (ctx) c += 0.2;
    emit('PHONE', m.index, m.index + s.length, clamp(c));
  }
}

const CARD_CONTEXT =
  /\b(card|visa|mastercard|amex|american express|discover|credit|debit|cc|pan|paid|payment|charged)\b/i;
const CARD_RE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-]|[ ]\d)/g;

function cardPrefixOk(d: string): boolean {
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4') return d.length === 13 || d.length === 16 || d.length === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return d.length === 16;
  if (p2 === 34 || p2 === 37) return d.length === 15;
  if (d.startsWith('6011') || d.startsWith('65') || (p4 >= 6440 && p4 <= 6499)) return d.length >= 16;
  if (p4 >= 3528 && p4 <= 3589) return d.length >= 16;
  if (p2 === 36 || p2 === 38 || p2 === 30) return d.length === 14;
  return false;
}

function detectCards(text: string, emit: Emit): void {
  for (const m of text.matchAll(CARD_RE)) {
    const s = m[0];
    if (/ /.test(s) && /-/.test(s)) continue;
    const d = s.replace(/\D/g, '');
    if (d.length < 13 || d.length > 19 || !luhnValid(d)) continue;
    const ctx = hasContext(text, m.index, m.index + s.length, CARD_CONTEXT);
    const c = (cardPrefixOk(d) ? 0.9 : 0.4) + (ctx ? 0.1 : 0) + (ctx && !cardPrefixOk(d) ? 0.3 : 0);
    emit('CREDIT_CARD', m.index, m.index + s.length, clamp(c));
  }
}

function detectIbans(text: string, emit: Emit): void {
  for (const m of text.matchAll(/(?<![A-Za-z0-9])[A-Z]{2}\d{2}/g)) {
    const len = IBAN_LENGTHS[m[0].slice(0, 2)];
    if (len === undefined) continue;
    let i = m.index;
    let got = '';
    let end = i;
    while (i < text.length && got.length < len) {
      const c = text[i]!;
      if (/[A-Za-z0-9]/.test(c)) {
        got += c;
        end = i + 1;
      } else if (c !== ' ' || text[i + 1] === ' ') break;
      i++;
    }
    if (got.length !== len || /[A-Za-z0-9]/.test(text[end] ?? '')) continue;
    if (ibanValid(got)) emit('IBAN', m.index, end, 0.98);
  }
}

const IP_CONTEXT =
  /\b(ip|address|server|host|client|connected|connection|login|logged|request|from|source)\b/i;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const IPV6_RE =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/g;

function detectIps(text: string, emit: Emit): void {
  for (const m of text.matchAll(IPV4_RE)) {
    const before = text.slice(Math.max(0, m.index - 9), m.index).toLowerCase();
    if (/(version|v)\s*$/.test(before)) continue;
    const ctx = hasContext(text, m.index, m.index + m[0].length, IP_CONTEXT);
    emit('IP_ADDRESS', m.index, m.index + m[0].length, ctx ? 0.95 : 0.85);
  }
  for (const m of text.matchAll(IPV6_RE)) {
    const s = m[0];
    if (s.length < 3 || !ipv6Valid(s)) continue;
    emit('IP_ADDRESS', m.index, m.index + s.length, 0.9);
  }
}

const SSN_CONTEXT = /\b(ssn|ssns|social security|social-security|ss#|ss no|taxpayer)\b/i;
const SSN_RE = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])/g;

function detectSsns(text: string, emit: Emit): void {
  for (const m of text.matchAll(SSN_RE)) {
    if (!ssnValid(m[1]!, m[3]!, m[4]!)) continue;
    const ctx = hasContext(text, m.index, m.index + m[0].length, SSN_CONTEXT);
    const base = m[2] === '-' ? 0.8 : m[2] === ' ' ? 0.5 : 0.3;
    emit('US_SSN', m.index, m.index + m[0].length, clamp(base + (ctx ? 0.45 : 0)));
  }
}

function detectCnIds(text: string, emit: Emit): void {
  for (const m of text.matchAll(/(?<![\dA-Za-z])[1-9]\d{16}[\dXx](?![\dA-Za-z])/g)) {
    if (cnResidentIdValid(m[0])) emit('CN_RESIDENT_ID', m.index, m.index + 18, 0.95);
  }
}

const NINO_CONTEXT = /\b(national insurance|ni number|ni no|nino|hmrc)\b/i;
const NINO_RE =
  /(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![A-Za-z0-9])/g;

function detectNinos(text: string, emit: Emit): void {
  for (const m of text.matchAll(NINO_RE)) {
    if (['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(m[1]!)) continue;
    const ctx = hasContext(text, m.index, m.index + m[0].length, NINO_CONTEXT);
    emit('UK_NINO', m.index, m.index + m[0].length, ctx ? 0.95 : 0.8);
  }
}

const BSN_CONTEXT = /\b(bsn|burgerservicenummer|citizen service number|sofinummer|sofi)\b/i;

function detectBsns(text: string, emit: Emit): void {
  for (const m of text.matchAll(
    /(?<![\d.-])(\d{4}\.\d{2}\.\d{3}|\d{3}\.\d{3}\.\d{3}|\d{9})(?![\d-]|\.\d)/g,
  )) {
    const d = m[0].replace(/\D/g, '');
    if (!bsnValid(d)) continue;
    const ctx = hasContext(text, m.index, m.index + m[0].length, BSN_CONTEXT);
    emit('NL_BSN', m.index, m.index + m[0].length, ctx ? 0.9 : 0.35);
  }
}

const DOB_CONTEXT = /\b(born|birth|dob|d\.o\.b|birthday|birthdate|geboren|née|nee)\b/i;
const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_NUM: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DATE_RES: readonly RegExp[] = [
  /(?<![\d-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?![\d-])/g,
  /(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?![\d/-]|\.\d)/g,
  new RegExp(
    `(?<![\\w])(\\d{1,2})(?:st|nd|rd|th)?(?: of)? (${MONTHS})\\.?,? ((?:19|20)\\d{2})(?![\\d])`,
    'gi',
  ),
  new RegExp(`(?<![\\w])(${MONTHS})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? ((?:19|20)\\d{2})(?![\\d])`, 'gi'),
];

function detectDobs(text: string, emit: Emit): void {
  DATE_RES.forEach((re, k) => {
    for (const m of text.matchAll(re)) {
      let y: number;
      let mo: number;
      let d: number;
      if (k === 0) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      else if (k === 1) {
        y = Number(m[3]);
        const a = Number(m[1]);
        const b = Number(m[2]);
        // day/month or month/day: valid if either reading is a date
        [d, mo] = validDate(y, b, a) ? [a, b] : [b, a];
      } else if (k === 2)
        [d, mo, y] = [Number(m[1]), MONTH_NUM[m[2]!.slice(0, 3).toLowerCase()]!, Number(m[3])];
      else [mo, d, y] = [MONTH_NUM[m[1]!.slice(0, 3).toLowerCase()]!, Number(m[2]), Number(m[3])];
      if (!validDate(y, mo, d)) continue;
      const ctx = hasContext(text, m.index, m.index + m[0].length, DOB_CONTEXT, 45, 5);
      emit('DATE_OF_BIRTH', m.index, m.index + m[0].length, ctx ? 0.9 : 0.2);
    }
  });
}

const PERSON_CONTEXT =
  /\b(name|named|names|called|patient|customer|client|employee|applicant|contact|dear|hello|hi|signed|thanks|regards|said|says|told|asked|wrote|emailed|met|visited|spoke|according|manager|nurse|agent)\b/i;
const CAP_RE = /(?:\p{Lu}['’])?\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:['’]\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?/gu;

function detectPersons(text: string, emit: Emit): void {
  const toks: { s: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(CAP_RE)) {
    const prev = m.index > 0 ? text[m.index - 1]! : ' ';
    if (/[\p{L}\p{N}_@]/u.test(prev)) continue;
    const end = m.index + m[0].length;
    if (/[\p{L}\p{N}_@]/u.test(text[end] ?? ' ')) continue;
    toks.push({ s: m[0], start: m.index, end });
  }
  // Two tokens are adjacent when only a space (or a middle initial "A. ") separates them.
  const adjacent = (a: { end: number }, b: { start: number }): boolean =>
    /^ (?:\p{Lu}\. )?$/u.test(text.slice(a.end, b.start));
  const isTitleBefore = (start: number): boolean => {
    const m = /(\p{L}+)\.? $/u.exec(text.slice(Math.max(0, start - 12), start));
    return m !== null && TITLES.has(m[1]!.toLowerCase());
  };
  let i = 0;
  while (i < toks.length) {
    const t = toks[i]!;
    const low = t.s.toLowerCase();
    const next = toks[i + 1];
    const nextOk = next !== undefined && adjacent(t, next) && !NOT_NAME_AFTER.has(next.s.toLowerCase());
    const title = isTitleBefore(t.start) && !TITLES.has(low);
    if (title) {
      const end = nextOk && (SURNAMES.has(next!.s.toLowerCase()) || FIRST_NAMES.has(low)) ? next!.end : t.end;
      emit('PERSON', t.start, end, 0.85);
      i += end === t.end ? 1 : 2;
      continue;
    }
    if (FIRST_NAMES.has(low) && !TITLES.has(low)) {
      if (nextOk) {
        const nl = next!.s.toLowerCase();
        const sur = SURNAMES.has(nl);
        const amb = AMBIGUOUS.has(low);
        if (sur || (!amb && !FIRST_NAMES.has(nl)) || (!amb && FIRST_NAMES.has(nl))) {
          const ctx = hasContext(text, t.start, next!.end, PERSON_CONTEXT);
          emit('PERSON', t.start, next!.end, clamp((sur ? 0.85 : 0.65) + (ctx ? 0.1 : 0)));
          i += 2;
          continue;
        }
      }
      if (!AMBIGUOUS.has(low)) {
        const ctx = hasContext(text, t.start, t.end, PERSON_CONTEXT);
        emit('PERSON', t.start, t.end, ctx ? 0.7 : 0.55);
      }
    } else if (SURNAMES.has(low) && nextOk && !AMBIGUOUS.has(low)) {
      // surname-first order (e.g. Chinese, Korean, Hungarian names): two listed names and a context word
      const nl = next!.s.toLowerCase();
      if (
        (SURNAMES.has(nl) || FIRST_NAMES.has(nl)) &&
        !AMBIGUOUS.has(nl) &&
        hasContext(text, t.start, next!.end, PERSON_CONTEXT)
      ) {
        emit('PERSON', t.start, next!.end, 0.65);
        i += 2;
        continue;
      }
    }
    i++;
  }
}

/** A detector: finds one entity kind and reports each candidate with its confidence. */
export interface Detector {
  readonly entity: PiiEntity;
  detect(text: string, emit: Emit): void;
}

/** The built-in detectors, one per entity. */
export const DETECTORS: readonly Detector[] = [
  { entity: 'EMAIL', detect: detectEmails },
  { entity: 'PHONE', detect: detectPhones },
  { entity: 'CREDIT_CARD', detect: detectCards },
  { entity: 'IBAN', detect: detectIbans },
  { entity: 'IP_ADDRESS', detect: detectIps },
  { entity: 'US_SSN', detect: detectSsns },
  { entity: 'CN_RESIDENT_ID', detect: detectCnIds },
  { entity: 'UK_NINO', detect: detectNinos },
  { entity: 'NL_BSN', detect: detectBsns },
  { entity: 'DATE_OF_BIRTH', detect: detectDobs },
  { entity: 'PERSON', detect: detectPersons },
];
