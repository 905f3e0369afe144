/**
 * One-token lookahead over the tokenizer for the parser
 * (docs/validation.md#pattern-parser): it gathers the labels of every token tried at
 * the current position, so a syntax error can name the sorted set of acceptable tokens,
 * and it guards the nesting depth.
 */
import { limitsFinding, PatternError, syntaxFinding } from './errors';
import { END_OF_PATTERN, quoteToken } from './format';
import type { Token, Tokenizer } from './tokenizer';

/** Accord limit (pattern-limits, docs/validation.md#limits): brackets and parentheses open at once. */
export const MAX_NESTING = 100;

export class TokenStream {
  protected tok: Token;
  /** Labels of the tokens acceptable at `tok`, gathered as the parser tries them. */
  protected readonly expected = new Set<string>();
  protected depth = 0;

  constructor(private readonly lexer: Tokenizer) {
    this.tok = lexer.next();
  }

  protected isWord(word: string): boolean {
    this.expected.add(`'${word}'`);
    return this.tok.kind === 'word' && this.tok.text === word;
  }

  protected isPunct(punct: string): boolean {
    this.expected.add(`'${punct}'`);
    return this.tok.kind === 'punct' && this.tok.text === punct;
  }

  protected expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail();
    return this.advance();
  }

  protected expectPunct(punct: string): Token {
    if (!this.isPunct(punct)) this.fail();
    return this.advance();
  }

  /** Consumes a literal token, reporting its lexical error if it has one. */
  protected take(): Token {
    const problem = this.tok.problem;
    if (problem) throw new PatternError(syntaxFinding(problem.position, problem.expected, problem.found));
    return this.advance();
  }

  protected advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    this.expected.clear();
    return t;
  }

  /** Consumes an opening bracket or parenthesis, refusing to go deeper than MAX_NESTING. */
  protected enter(): void {
    if (this.depth === MAX_NESTING) {
      throw new PatternError(limitsFinding(`${MAX_NESTING} nesting levels`, this.tok.position));
    }
    this.depth++;
    this.advance();
  }

  protected leave(): void {
    this.depth--;
  }

  /** Ends the parse at `tok`; an unterminated comment reports its own lexical error. */
  protected fail(): never {
    const t = this.tok;
    if (t.problem && t.kind === 'invalid') {
      throw new PatternError(syntaxFinding(t.problem.position, t.problem.expected, t.problem.found));
    }
    const found = t.kind === 'end' ? END_OF_PATTERN : quoteToken(t.text);
    throw new PatternError(syntaxFinding(t.position, this.expected, found));
  }
}
