/**
 * @module report/html/escape
 * Escaping of untrusted text (group names and sources come from user data) for HTML text and
 * attribute values, following the OWASP XSS prevention rules
 * (https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html).
 */

/**
 * Escapes `& < > " '` so that a string is inert in HTML or SVG text content and in a quoted attribute.
 * @example escapeHtml('<script>alert(1)</script>') // '&lt;script&gt;alert(1)&lt;/script&gt;'
 */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
