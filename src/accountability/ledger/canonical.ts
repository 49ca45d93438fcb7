/**
 * @module accountability/ledger/canonical
 * JSON Canonicalization Scheme, RFC 8785 (https://www.rfc-editor.org/rfc/rfc8785): no whitespace,
 * object members sorted by the UTF-16 code units of their names, numbers in ECMAScript's shortest
 * round-trip form, strings with the minimal JSON escapes. Written out (about 40 lines) because the
 * ledger hashes these bytes and must reject what JCS cannot represent (NaN, lone surrogates, cycles).
 */
import { AequaError } from '../../core/index.js';

/** A JSON value as the ledger stores it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(path: string, what: string): never {
  throw new AequaError('AEQ_LEDGER_RECORD_INVALID', `Cannot canonicalise ${what} at ${path || '(root)'}.`, {
    hint: 'Canonical JSON (RFC 8785) holds only null, booleans, finite numbers, valid Unicode strings, arrays and plain objects.',
    details: { path },
  });
}

/**
 * The RFC 8785 canonical JSON text of a value. Keys are sorted with the default string comparison,
 * which in JavaScript compares UTF-16 code units, exactly what §3.2.3 asks for.
 *
 * @throws {AEQ_LEDGER_RECORD_INVALID} for NaN/Infinity, lone surrogates, undefined, functions, bigint, non-plain objects or cycles
 * @example canonicalize({ b: [1.50, 'é'], a: null }) // '{"a":null,"b":[1.5,"é"]}'
 */
export function canonicalize(value: unknown): string {
  // Fast path: no path strings, no cycle set, no regexes. Anything it cannot write (or a nesting
  // deeper than FAST_DEPTH, where a cycle may hide) falls back to the checked walk below, which
  // builds the error message with the offending path.
  const fast = fastWrite(value, 0);
  if (fast !== undefined) return fast;
  const parts: string[] = [];
  write(value, '', parts, new Set());
  return parts.join('');
}

/** UTF-8 bytes of the canonical JSON text. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

const FAST_DEPTH = 64;
const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/**
 * The JSON string literal of s, or undefined when s holds a lone surrogate. One scan: strings with
 * nothing to escape (the common case) are quoted as they are; others go through JSON.stringify,
 * whose escapes are the ones RFC 8785 §3.2.2.2 prescribes.
 */
function quote(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return isWellFormed(s) ? JSON.stringify(s) : undefined;
    if (c >= 0xd800 && c <= 0xdfff) return isWellFormed(s) ? JSON.stringify(s) : undefined;
  }
  return `"${s}"`;
}

/** Own enumerable keys sorted by UTF-16 code units (insertion sort for the usual few keys). */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** The canonical text, or undefined when the value needs the checked walk (invalid or very deep). */
function fastWrite(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= FAST_DEPTH) return undefined;
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) {
          const x = fastWrite(v[i], depth + 1);
          if (x === undefined) return undefined;
          s += i === 0 ? x : `,${x}`;
        }
        return `${s}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const keys = sortedKeys(v);
      let s = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const q = quote(k);
        if (q === undefined) return undefined;
        const x = fastWrite((v as Record<string, unknown>)[k], depth + 1);
        if (x === undefined) return undefined;
        s += i === 0 ? `${q}:${x}` : `,${q}:${x}`;
      }
      return `${s}}`;
    }
    default:
      return undefined;
  }
}

function write(v: unknown, path: string, out: string[], seen: Set<object>): void {
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(v)) fail(path, String(v));
      // ECMAScript Number::toString is the serialisation RFC 8785 §3.2.2.3 prescribes; -0 becomes "0".
      out.push(String(v));
      return;
    case 'string':
      if (LONE_SURROGATE.test(v)) fail(path, 'a string with a lone surrogate');
      out.push(JSON.stringify(v));
      return;
    case 'object':
      break;
    default:
      fail(path, `a value of type ${typeof v}`);
  }
  const obj = v as object;
  if (seen.has(obj)) fail(path, 'a cyclic structure');
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      write(obj[i], `${path}[${i}]`, out, seen);
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null)
      fail(path, `an object of class ${obj.constructor?.name}`);
    const keys = Object.keys(obj).sort();
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (LONE_SURROGATE.test(k)) fail(path, 'a property name with a lone surrogate');
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write((obj as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out, seen);
    }
    out.push('}');
  }
  seen.delete(obj);
}
