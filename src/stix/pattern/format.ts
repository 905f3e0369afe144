/** Rendering of values and tokens inside pattern messages (docs/validation.md#messages: `{v}` quoted, cut). */

export const END_OF_PATTERN = 'end of pattern';
/** `{v}` values are cut to 80 characters (docs/validation.md#messages). */
export const VALUE_LIMIT = 80;
/** Offending tokens are cut to 20 characters (docs/validation.md#pattern-parser). */
export const TOKEN_LIMIT = 20;

/**
 * Quotes `text`, cut to `max` code points (then `…`), with control characters
 * escaped so a message stays on one line. Single quotes, or double quotes when
 * the text holds a single quote, so `'` itself reads `"'"`.
 */
export function quote(text: string, max: number = VALUE_LIMIT): string {
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count === max) {
      out += '…';
      break;
    }
    out += escapeControl(ch);
    count++;
  }
  return out.includes("'") ? `"${out}"` : `'${out}'`;
}

/** How an offending token appears after `found`. */
export function quoteToken(text: string): string {
  return quote(text, TOKEN_LIMIT);
}

function escapeControl(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  if (c < 0x20 || c === 0x7f) return `\\u${c.toString(16).padStart(4, '0')}`;
  return ch;
}
