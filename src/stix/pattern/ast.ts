/**
 * The syntax tree of a STIX pattern (STIX 2.1 §9). Chains of one operator are
 * n-ary nodes with operands in source order, which is the left-associative reading
 * without the deep left spine a binary tree would grow on long chains.
 */
import type { Position } from '../issues';

export type PatternAst = ObservationExpression;

export type ObservationExpression = ObservationChain | ObservationUnit;

/** `A AND B`, `A OR B`, `A FOLLOWEDBY B` between observation expressions. */
export interface ObservationChain {
  kind: 'obs-and' | 'obs-or' | 'obs-followedby';
  operands: ObservationExpression[];
  /** Position of each operator keyword; `operators[i]` sits between operands i and i+1. */
  operators: Position[];
}

/** `[ … ]` with its qualifiers. */
export interface ObservationBracket {
  kind: 'observation';
  comparison: ComparisonExpression;
  qualifiers: Qualifier[];
  position: Position;
}

/** `( … )` around observation expressions, with its own qualifiers. */
export interface ObservationGroup {
  kind: 'group';
  body: ObservationExpression;
  qualifiers: Qualifier[];
  position: Position;
}

export type ObservationUnit = ObservationBracket | ObservationGroup;

export type Qualifier = WithinQualifier | RepeatsQualifier | StartStopQualifier;

export interface WithinQualifier {
  kind: 'within';
  value: IntLiteral | FloatLiteral;
  position: Position;
}

export interface RepeatsQualifier {
  kind: 'repeats';
  value: IntLiteral;
  position: Position;
}

export interface StartStopQualifier {
  kind: 'startstop';
  start: TimestampLiteral;
  stop: TimestampLiteral;
  position: Position;
}

export type ComparisonExpression = ComparisonChain | Test;

/** `a AND b`, `a OR b` inside brackets; parentheses leave no node of their own. */
export interface ComparisonChain {
  kind: 'cmp-and' | 'cmp-or';
  operands: ComparisonExpression[];
  operators: Position[];
}

export type Test = ComparisonTest | ExistsTest;

export type EqualityOperator = '=' | '==' | '!=' | '<>';
export type OrderingOperator = '<' | '<=' | '>' | '>=';
export type StringOperator = 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

export type ComparisonTest =
  | { kind: 'comparison'; path: ObjectPath; negated: boolean; operator: EqualityOperator; value: Literal; position: Position }
  | { kind: 'comparison'; path: ObjectPath; negated: boolean; operator: OrderingOperator; value: OrderedLiteral; position: Position }
  | { kind: 'comparison'; path: ObjectPath; negated: boolean; operator: 'IN'; value: Literal[]; position: Position }
  | { kind: 'comparison'; path: ObjectPath; negated: boolean; operator: StringOperator; value: StringLiteral; position: Position };

export interface ExistsTest {
  kind: 'exists';
  path: ObjectPath;
  negated: boolean;
  position: Position;
}

export interface ObjectPath {
  objectType: string;
  objectTypePosition: Position;
  /** The first step is always a property step (STIX 2.1 §9). */
  steps: PathStep[];
}

export type PathStep = PropertyStep | IndexStep;

export interface PropertyStep {
  kind: 'property';
  name: string;
  /** Written as a string literal, e.g. `hashes.'SHA-256'`. */
  quoted: boolean;
  position: Position;
}

export interface IndexStep {
  kind: 'index';
  /** `*`, or the integer as written (a sign is possible; pattern-list-index checks it). */
  index: '*' | string;
  position: Position;
}

export type Literal = OrderedLiteral | BooleanLiteral;
export type OrderedLiteral = IntLiteral | FloatLiteral | StringLiteral | TimestampLiteral | HexLiteral | BinaryLiteral;

interface LiteralBase {
  /** The token as written. */
  raw: string;
  position: Position;
}

export interface IntLiteral extends LiteralBase {
  kind: 'int';
  value: number;
}
export interface FloatLiteral extends LiteralBase {
  kind: 'float';
  value: number;
}
export interface StringLiteral extends LiteralBase {
  kind: 'string';
  /** With the `\'` and `\\` escapes resolved. */
  value: string;
}
export interface TimestampLiteral extends LiteralBase {
  kind: 'timestamp';
  /** The text between `t'` and `'`. */
  value: string;
}
export interface HexLiteral extends LiteralBase {
  kind: 'hex';
  value: string;
}
export interface BinaryLiteral extends LiteralBase {
  kind: 'binary';
  value: string;
}
export interface BooleanLiteral extends LiteralBase {
  kind: 'boolean';
  value: boolean;
}
