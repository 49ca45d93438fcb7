/**
 * @module cli/args
 * Flag parsing on top of node:util parseArgs, with messages that name the bad flag, suggest the
 * closest known one, and print the command's help on request.
 */
import { parseArgs } from 'node:util';
import { AequaError, closest } from '../core/index.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  readonly description: string;
  /** Shown in help, e.g. "NAME" or "0.95". */
  readonly placeholder?: string;
  readonly default?: string | boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
}

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

export function usageError(message: string, command?: string): AequaError {
  return new AequaError('AEQ_CLI_USAGE', message, {
    hint: `Run \`aequa ${command ? `${command} ` : ''}--help\` for the options.`,
  });
}

/** Parses argv for one command. Throws AEQ_CLI_USAGE with a suggestion for unknown flags. */
export function parseCommandArgs(
  spec: CommandSpec,
  argv: readonly string[],
): { values: ParsedValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.short ? { short: o.short } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
      allowNegative: true,
    });
    return { values: values as ParsedValues, positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /Unknown option '(-{1,2}[^']+)'/.exec(msg);
    if (m) {
      const flag = m[1]!.replace(/^-+/, '');
      const s = closest(flag, Object.keys(spec.options));
      throw usageError(
        `Unknown option ${m[1]} for \`aequa ${spec.name}\`.${s ? ` Did you mean --${s}?` : ''}`,
        spec.name,
      );
    }
    const a = /Option '(-{1,2}[^']+?)(?: <value>)?' argument missing/.exec(msg);
    if (a) throw usageError(`Option ${a[1]} needs a value.`, spec.name);
    throw usageError(msg.replace(/\. To specify a positional.*$/, '.'), spec.name);
  }
}

/** Help text for a command. */
export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined ? ` (default: ${String(o.default)})` : '';
    const rep = o.multiple ? ' (repeatable)' : '';
    return [flag, `${o.description}${def}${rep}`] as const;
  });
  const w = Math.min(36, Math.max(...rows.map((r) => r[0].length)) + 2);
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:'];
  for (const [f, d] of rows) lines.push(`  ${f.padEnd(w)}${d}`);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((x) => `  ${x}`));
  return `${lines.join('\n')}\n`;
}

/** Splits repeatable, comma-separated list flags: --sensitive race,sex --sensitive age → [race, sex, age]. */
export function listFlag(v: string | boolean | string[] | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Repeatable flags that are not split on commas (values may contain commas). */
export function multiFlag(v: string | boolean | string[] | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  return Array.isArray(v) ? v : [v];
}

export function numberFlag(
  v: string | boolean | string[] | undefined,
  flag: string,
  command: string,
  check?: (x: number) => string | null,
): number | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  const x = typeof s === 'string' ? Number(s) : Number.NaN;
  if (typeof s !== 'string' || s.trim() === '' || !Number.isFinite(x))
    throw usageError(`--${flag} must be a number, got "${String(s)}".`, command);
  const problem = check?.(x);
  if (problem) throw usageError(`--${flag} ${problem}, got ${x}.`, command);
  return x;
}

/**
 * The value of a flag that takes one word of a fixed set (the last one when repeated).
 * @throws {AEQ_CLI_USAGE} when the value is not one of `allowed`.
 * @example choiceFlag('json', ['table', 'json'] as const, 'format', 'train') // 'json'
 */
export function choiceFlag<T extends string>(
  v: string | boolean | string[] | undefined,
  allowed: readonly T[],
  flag: string,
  command: string,
): T | undefined {
  const s = stringFlag(v);
  if (s === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(s))
    throw usageError(`--${flag} must be one of ${allowed.join(', ')}; got "${s}".`, command);
  return s as T;
}

export function stringFlag(v: string | boolean | string[] | undefined): string | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}
