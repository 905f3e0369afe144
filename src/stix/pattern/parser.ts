/**
 * Recursive-descent parser for the grammar of docs/validation.md#pattern-grammar (STIX
 * 2.1 §9). Operator chains are loops; recursion happens only into brackets and
 * parentheses, and stops at MAX_NESTING. The first error ends the parse
 * (docs/validation.md#pattern-parser).
 */
import type { Position } from '../issues';
import type {
  ComparisonExpression,
  ComparisonTest,
  Literal,
  ObjectPath,
  ObservationExpression,
  ObservationUnit,
  PathStep,
  PatternAst,
  PropertyStep,
  Qualifier,
  StringLiteral,
  TimestampLiteral,
  IntLiteral,
  FloatLiteral,
  OrderedLiteral,
} from './ast';
import { END_OF_PATTERN } from './format';
import type { TokenKind } from './tokenizer';
import { TokenStream } from './token-stream';

type LiteralKind = 'int' | 'float' | 'string' | 'timestamp' | 'hex' | 'binary' | 'boolean';

const ORDERED: LiteralKind[] = ['int', 'float', 'string', 'timestamp', 'hex', 'binary'];
const ANY_LITERAL: LiteralKind[] = [...ORDERED, 'boolean'];

const LITERAL_LABEL: Record<Exclude<LiteralKind, 'boolean'>, string> = {
  int: 'int literal',
  float: 'float literal',
  string: 'string literal',
  timestamp: 'timestamp literal',
  hex: 'hex literal',
  binary: 'binary literal',
};

const COMPARISON_OPERATOR = 'comparison operator';
const OPERATOR_TOKENS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=', 'IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

export class Parser extends TokenStream {
  parsePattern(): PatternAst {
    const ast = this.observationSequence();
    this.expected.add(END_OF_PATTERN);
    if (this.tok.kind !== 'end') this.fail();
    return ast;
  }

  private observationSequence(): ObservationExpression {
    return this.observationChain('obs-followedby', 'FOLLOWEDBY', () => this.observationOr());
  }

  private observationOr(): ObservationExpression {
    return this.observationChain('obs-or', 'OR', () => this.observationAnd());
  }

  private observationAnd(): ObservationExpression {
    return this.observationChain('obs-and', 'AND', () => this.observationUnit());
  }

  private observationChain(
    kind: 'obs-and' | 'obs-or' | 'obs-followedby',
    keyword: string,
    operand: () => ObservationExpression,
  ): ObservationExpression {
    const first = operand();
    const operands = [first];
    const operators: Position[] = [];
    while (this.isWord(keyword)) {
      operators.push(this.advance().position);
      operands.push(operand());
    }
    return operands.length === 1 ? first : { kind, operands, operators };
  }

  private observationUnit(): ObservationUnit {
    const position = this.tok.position;
    let unit: ObservationUnit;
    if (this.isPunct('[')) {
      this.enter();
      const comparison = this.comparisonOr();
      this.expectPunct(']');
      this.leave();
      unit = { kind: 'observation', comparison, qualifiers: [], position };
    } else if (this.isPunct('(')) {
      this.enter();
      const body = this.observationSequence();
      this.expectPunct(')');
      this.leave();
      unit = { kind: 'group', body, qualifiers: [], position };
    } else {
      return this.fail();
    }
    for (let q = this.qualifier(); q !== null; q = this.qualifier()) unit.qualifiers.push(q);
    return unit;
  }

  private qualifier(): Qualifier | null {
    if (this.isWord('WITHIN')) {
      const position = this.advance().position;
      const value = this.literal(['int', 'float']) as IntLiteral | FloatLiteral;
      this.expectWord('SECONDS');
      return { kind: 'within', value, position };
    }
    if (this.isWord('REPEATS')) {
      const position = this.advance().position;
      const value = this.literal(['int']) as IntLiteral;
      this.expectWord('TIMES');
      return { kind: 'repeats', value, position };
    }
    if (this.isWord('START')) {
      const position = this.advance().position;
      const start = this.literal(['timestamp']) as TimestampLiteral;
      this.expectWord('STOP');
      const stop = this.literal(['timestamp']) as TimestampLiteral;
      return { kind: 'startstop', start, stop, position };
    }
    return null;
  }

  private comparisonOr(): ComparisonExpression {
    return this.comparisonChain('cmp-or', 'OR', () => this.comparisonAnd());
  }

  private comparisonAnd(): ComparisonExpression {
    return this.comparisonChain('cmp-and', 'AND', () => this.comparisonUnit());
  }

  private comparisonChain(
    kind: 'cmp-and' | 'cmp-or',
    keyword: string,
    operand: () => ComparisonExpression,
  ): ComparisonExpression {
    const first = operand();
    const operands = [first];
    const operators: Position[] = [];
    while (this.isWord(keyword)) {
      operators.push(this.advance().position);
      operands.push(operand());
    }
    return operands.length === 1 ? first : { kind, operands, operators };
  }

  private comparisonUnit(): ComparisonExpression {
    if (this.isPunct('(')) {
      this.enter();
      const inner = this.comparisonOr();
      this.expectPunct(')');
      this.leave();
      return inner;
    }
    return this.test();
  }

  /** `path [NOT] operation` or `[NOT] EXISTS path` (docs/validation.md#pattern-grammar; EXISTS is new in STIX 2.1). */
  private test(): ComparisonExpression {
    const position = this.tok.position;
    if (this.isWord('NOT')) {
      this.advance();
      this.expectWord('EXISTS');
      return { kind: 'exists', path: this.objectPath(), negated: true, position };
    }
    if (this.isWord('EXISTS')) {
      this.advance();
      return { kind: 'exists', path: this.objectPath(), negated: false, position };
    }
    const path = this.objectPath();
    this.expected.add(COMPARISON_OPERATOR);
    let negated = false;
    if (this.tok.kind === 'word' && this.tok.text === 'NOT') {
      this.advance();
      this.expected.add(COMPARISON_OPERATOR);
      negated = true;
    }
    const isOperator = (this.tok.kind === 'punct' || this.tok.kind === 'word') && OPERATOR_TOKENS.has(this.tok.text);
    if (!isOperator) this.fail();
    const operator = this.advance().text;
    const base = { kind: 'comparison' as const, path, negated, position };
    switch (operator) {
      case '=':
      case '==':
      case '!=':
      case '<>':
        return { ...base, operator, value: this.literal(ANY_LITERAL) };
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { ...base, operator, value: this.literal(ORDERED) as OrderedLiteral };
      case 'IN':
        return { ...base, operator, value: this.literalList() };
      default:
        return { ...base, operator, value: this.literal(['string']) as StringLiteral } as ComparisonTest;
    }
  }

  private literalList(): Literal[] {
    this.expectPunct('(');
    const values: Literal[] = [];
    if (this.isPunct(')')) {
      this.advance();
      return values;
    }
    values.push(this.literal(ANY_LITERAL));
    while (this.isPunct(',')) {
      this.advance();
      values.push(this.literal(ANY_LITERAL));
    }
    this.expectPunct(')');
    return values;
  }

  private objectPath(): ObjectPath {
    this.expected.add('object type');
    const typeToken = this.tok;
    if (typeToken.kind !== 'word') this.fail();
    this.advance();
    this.expectPunct(':');
    const steps: PathStep[] = [this.propertyStep()];
    for (;;) {
      if (this.isPunct('.')) {
        this.advance();
        steps.push(this.propertyStep());
      } else if (this.isPunct('[')) {
        const position = this.advance().position;
        let index: string;
        if (this.isPunct('*')) {
          index = this.advance().text;
        } else {
          this.expected.add(LITERAL_LABEL.int);
          if (this.tok.kind !== 'int') this.fail();
          index = this.advance().text;
        }
        this.expectPunct(']');
        steps.push({ kind: 'index', index, position });
      } else {
        return { objectType: typeToken.text, objectTypePosition: typeToken.position, steps };
      }
    }
  }

  /** Names with `-` must be quoted (docs/validation.md#pattern-grammar: `hashes.'SHA-256'`). */
  private propertyStep(): PropertyStep {
    this.expected.add('property name');
    this.expected.add(LITERAL_LABEL.string);
    const t = this.tok;
    if (t.kind === 'word' && !t.text.includes('-')) {
      this.advance();
      return { kind: 'property', name: t.text, quoted: false, position: t.position };
    }
    if (t.kind === 'string') {
      this.take();
      return { kind: 'property', name: t.value, quoted: true, position: t.position };
    }
    return this.fail();
  }

  private literal(kinds: LiteralKind[]): Literal {
    const t = this.tok;
    for (const kind of kinds) {
      if (kind === 'boolean') {
        this.expected.add("'true'");
        this.expected.add("'false'");
      } else {
        this.expected.add(LITERAL_LABEL[kind]);
      }
    }
    if (kinds.includes('boolean') && t.kind === 'word' && (t.text === 'true' || t.text === 'false')) {
      this.advance();
      return { kind: 'boolean', value: t.text === 'true', raw: t.text, position: t.position };
    }
    if (!(kinds as TokenKind[]).includes(t.kind)) return this.fail();
    this.take();
    const base = { raw: t.text, position: t.position };
    switch (t.kind) {
      case 'int':
        return { kind: 'int', value: Number(t.text), ...base };
      case 'float':
        return { kind: 'float', value: Number(t.text), ...base };
      case 'string':
        return { kind: 'string', value: t.value, ...base };
      case 'timestamp':
        return { kind: 'timestamp', value: t.value, ...base };
      case 'hex':
        return { kind: 'hex', value: t.value, ...base };
      default:
        return { kind: 'binary', value: t.value, ...base };
    }
  }
}
