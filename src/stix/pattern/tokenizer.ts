/**
 * Hand-written, on-demand tokenizer for STIX patterns (docs/validation.md#pattern-grammar,
 * STIX 2.1 §9). One pass, no backtracking, no regular expressions.
 */
import type { Position } from '../issues';
import { Cursor, isAsciiLetter, isDigit, isPatternSpace } from './cursor';
import { END_OF_PATTERN } from './format';
import { type LexProblem, type ScanResult, scanBinary, scanHex, scanString, scanTimestamp } from './literal-scan';

export type TokenKind =
  | 'word'
  | 'int'
  | 'float'
  | 'string'
  | 'timestamp'
  | 'hex'
  | 'binary'
  | 'punct'
  | 'invalid'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (up to the error for a malformed one). */
  text: string;
  /** Strings: unescaped content; typed literals: text between the quotes; else `text`. */
  value: string;
  position: Position;
  /** Set when the token is malformed; reported when the parser reaches it. */
  problem?: LexProblem;
}

const QUOTE = 0x27;
const SLASH = 0x2f;
const STAR = 0x2a;
const DOT = 0x2e;

const SINGLE_PUNCT = new Set(['[', ']', '(', ')', ':', '.', ',', '*']);

export class Tokenizer {
  private readonly cur: Cursor;

  constructor(src: string) {
    this.cur = new Cursor(src);
  }

  next(): Token {
    const skipped = this.skipSpaceAndComments();
    if (skipped) return skipped;
    const cur = this.cur;
    const start = cur.position();
    const c = cur.code();
    if (c === -1) return { kind: 'end', text: '', value: END_OF_PATTERN, position: start };
    if (isAsciiLetter(c) || c === 0x5f) return this.word(start);
    if (isDigit(c) || startsSignedNumber(cur) || (c === DOT && isDigit(cur.code(1)))) return this.number(start);
    if (c === QUOTE) {
      cur.bump();
      return this.finish('string', start, scanString(cur));
    }
    return this.punct(start);
  }

  /** Returns a token only for an unterminated block comment. */
  private skipSpaceAndComments(): Token | null {
    const cur = this.cur;
    for (;;) {
      const c = cur.code();
      if (isPatternSpace(c)) {
        cur.bump();
      } else if (c === SLASH && cur.code(1) === SLASH) {
        while (!cur.atEnd && cur.code() !== 0x0a && cur.code() !== 0x0d) cur.bump();
      } else if (c === SLASH && cur.code(1) === STAR) {
        const start = cur.position();
        cur.bump();
        cur.bump();
        while (!cur.atEnd && !(cur.code() === STAR && cur.code(1) === SLASH)) cur.bump();
        if (cur.atEnd) {
          const problem = { position: cur.position(), expected: ["'*/'"], found: END_OF_PATTERN };
          const text = cur.src.slice(start.offset);
          return { kind: 'invalid', text, value: text, position: start, problem };
        }
        cur.bump();
        cur.bump();
      } else {
        return null;
      }
    }
  }

  /** `[A-Za-z_][A-Za-z0-9_-]*`, or a typed literal opened by `t'`, `h'`, `b'`. */
  private word(start: Position): Token {
    const cur = this.cur;
    while (isWordChar(cur.code())) cur.bump();
    const text = cur.src.slice(start.offset, cur.offset);
    if (cur.code() === QUOTE && text.length === 1) {
      const scanner = text === 't' ? scanTimestamp : text === 'h' ? scanHex : text === 'b' ? scanBinary : null;
      if (scanner) {
        cur.bump();
        const kind = text === 't' ? 'timestamp' : text === 'h' ? 'hex' : 'binary';
        return this.finish(kind, start, scanner(cur));
      }
    }
    return { kind: 'word', text, value: text, position: start };
  }

  /** The grammar's `int` / `float`; an int with a leading zero (`05`) is no token at all. */
  private number(start: Position): Token {
    const cur = this.cur;
    if (cur.code() === 0x2b || cur.code() === 0x2d) cur.bump();
    const digitsStart = cur.offset;
    while (isDigit(cur.code())) cur.bump();
    const intDigits = cur.offset - digitsStart;
    let kind: TokenKind = 'int';
    if (cur.code() === DOT && isDigit(cur.code(1))) {
      cur.bump();
      while (isDigit(cur.code())) cur.bump();
      kind = 'float';
    } else if (intDigits > 1 && cur.src.charCodeAt(digitsStart) === 0x30) {
      kind = 'invalid';
    }
    const text = cur.src.slice(start.offset, cur.offset);
    return { kind, text, value: text, position: start };
  }

  private punct(start: Position): Token {
    const cur = this.cur;
    const ch = cur.src[cur.offset] ?? '';
    const next = cur.code(1);
    let text: string | null = null;
    if (SINGLE_PUNCT.has(ch)) text = ch;
    else if (ch === '=') text = next === 0x3d ? '==' : '=';
    else if (ch === '!' && next === 0x3d) text = '!=';
    else if (ch === '<') text = next === 0x3d ? '<=' : next === 0x3e ? '<>' : '<';
    else if (ch === '>') text = next === 0x3d ? '>=' : '>';
    if (text === null) {
      cur.bump();
      const invalid = cur.src.slice(start.offset, cur.offset);
      return { kind: 'invalid', text: invalid, value: invalid, position: start };
    }
    for (let i = 0; i < text.length; i++) cur.bump();
    return { kind: 'punct', text, value: text, position: start };
  }

  private finish(kind: TokenKind, start: Position, result: ScanResult): Token {
    const cur = this.cur;
    if (result.ok) {
      return { kind, text: cur.src.slice(start.offset, cur.offset), value: result.value, position: start };
    }
    cur.bump();
    const text = cur.src.slice(start.offset, cur.offset);
    return { kind, text, value: text, position: start, problem: result.problem };
  }
}

function isWordChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 0x5f || c === 0x2d;
}

function startsSignedNumber(cur: Cursor): boolean {
  const c = cur.code();
  if (c !== 0x2b && c !== 0x2d) return false;
  return isDigit(cur.code(1)) || (cur.code(1) === DOT && isDigit(cur.code(2)));
}
