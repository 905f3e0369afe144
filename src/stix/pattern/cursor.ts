/**
 * A read position in the pattern text: offset in UTF-16 units (0-based), line and
 * column (1-based, column in code points), as docs/validation.md#pattern-parser
 * reports positions.
 */
import type { Position } from '../issues';
import { END_OF_PATTERN, quoteToken } from './format';

const LF = 0x0a;
const CR = 0x0d;

export class Cursor {
  offset = 0;
  line = 1;
  column = 1;

  constructor(readonly src: string) {}

  get atEnd(): boolean {
    return this.offset >= this.src.length;
  }

  /** The UTF-16 unit `k` places ahead, or -1 past the end. */
  code(k = 0): number {
    const i = this.offset + k;
    return i < this.src.length ? this.src.charCodeAt(i) : -1;
  }

  position(): Position {
    return { offset: this.offset, line: this.line, column: this.column };
  }

  /** Moves past one code point; CR LF counts as one line break. */
  bump(): void {
    const c = this.code();
    if (c === -1) return;
    if (c === LF || c === CR) {
      this.offset += c === CR && this.code(1) === LF ? 2 : 1;
      this.line++;
      this.column = 1;
      return;
    }
    this.offset += isHighSurrogate(c) && isLowSurrogate(this.code(1)) ? 2 : 1;
    this.column++;
  }

  /** The code point here, quoted for a message, or `end of pattern`. */
  describeHere(): string {
    if (this.atEnd) return END_OF_PATTERN;
    const cp = this.src.codePointAt(this.offset) ?? 0;
    return quoteToken(String.fromCodePoint(cp));
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** ASCII white space and the Unicode spaces of docs/validation.md#pattern-grammar, skipped between tokens. */
export function isPatternSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
