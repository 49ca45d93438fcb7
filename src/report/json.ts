/**
 * @module report/json
 * The machine-readable audit report (`report.json`, `--format json`): the AuditResult as JSON, valid
 * against schemas/audit.schema.json (JSON Schema draft 2020-12, https://json-schema.org/draft/2020-12).
 */
import type { AuditResult } from '../metrics/index.js';

/**
 * Serialises an audit result: 2-space indentation, keys in the order the result holds them (so the
 * same audit gives the same bytes), and a trailing newline. Non-finite numbers, which JSON cannot
 * hold, become null, as JSON.stringify does.
 *
 * @param result - the audit result.
 * @returns the JSON text, ending in "\n".
 * @example
 * renderJson(result).slice(0, 30) // '{\n  "schemaVersion": "1.0.0",'
 */
export function renderJson(result: AuditResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
