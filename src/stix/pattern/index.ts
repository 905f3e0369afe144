/**
 * STIX Patterning (STIX 2.1 §9; docs/validation.md#patterns): parse a
 * `pattern_type: stix` pattern and apply the pattern rules. Pure: no I/O, no
 * clock, linear in the pattern's length.
 */
import type { Finding } from '../issues';
import type { PatternAst } from './ast';
import { limitsFinding, PatternError } from './errors';
import { Parser } from './parser';
import { applyPatternRules } from './rules';
import { Tokenizer } from './tokenizer';

export type * from './ast';
export { MAX_NESTING } from './token-stream';

/** Accord limit (pattern-limits, docs/validation.md#limits): 64 KiB of UTF-8, checked before tokenizing. */
export const MAX_PATTERN_BYTES = 64 * 1024;

/** The parse alone, for tests and tools. */
export function parsePattern(pattern: string): { ok: true; ast: PatternAst } | { ok: false; finding: Finding } {
  if (utf8Length(pattern, MAX_PATTERN_BYTES) > MAX_PATTERN_BYTES) {
    return { ok: false, finding: limitsFinding('64 KiB') };
  }
  try {
    return { ok: true, ast: new Parser(new Tokenizer(pattern)).parsePattern() };
  } catch (err) {
    if (err instanceof PatternError) return { ok: false, finding: err.finding };
    throw err;
  }
}

/** Parses a STIX pattern and applies the pattern rules; [] means valid. Every finding has pointer '/pattern'. */
export function checkPattern(pattern: string): Finding[] {
  const parsed = parsePattern(pattern);
  return parsed.ok ? applyPatternRules(parsed.ast) : [parsed.finding];
}

/** UTF-8 length of `text`, stopping once it passes `cap` (a lone surrogate counts 3, as U+FFFD). */
function utf8Length(text: string, cap: number): number {
  if (text.length > cap) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= cap; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
