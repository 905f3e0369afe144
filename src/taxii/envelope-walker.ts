/**
 * The walk of an Add Objects body (docs/reliability.md#responsiveness): the JSON grammar
 * (RFC 8259) one byte at a time, as a state machine that can stop at any byte and go on
 * later, so it runs in time slices. It checks everything outside the elements of `objects`
 * as JSON.parse would, delimits each element, and counts its nesting: an element past the
 * limit (docs/validation.md#limits) is walked again, checked whole, and marked too deep.
 */

import { UnprocessableContentError } from '../errors';
import { MAX_NESTING } from '../stix/limits';

/** An element found deeper than MAX_NESTING: it is refused without being parsed. */
export interface TooDeep {
  isObject: boolean;
  /** Its top-level `type`, `id`, `created` and `modified` when they are strings: what names it in the status. */
  head: Record<string, string>;
}

/** The elements of the last `objects` list: their byte ranges, and the too-deep ones by index. */
export interface WalkedObjects {
  starts: number[];
  ends: number[];
  deep: Map<number, TooDeep>;
}

export interface Walked {
  /** The body is a JSON object. */
  isObject: boolean;
  /** Its `objects` member when that is a list. */
  objects: WalkedObjects | undefined;
}

// What the walker expects next: between tokens, then inside them.
const VALUE = 0;
const FIRST_IN_LIST = 1;
const FIRST_IN_OBJECT = 2;
const NAME = 3;
const COLON = 4;
const AFTER_VALUE = 5;
const STRING = 6;
const ESCAPE = 7;
const HEX = 8;
const MINUS = 9;
const ZERO = 10;
const INTEGER = 11;
const POINT = 12;
const FRACTION = 13;
const EXPONENT = 14;
const EXPONENT_SIGN = 15;
const EXPONENT_DIGITS = 16;
const LITERAL = 17;
const SKIM = 18;
const SKIM_STRING = 19;

const HEAD_NAMES = ['type', 'id', 'created', 'modified'];
const HEAD_BYTES = HEAD_NAMES.map((name) => Buffer.from(name));
const OBJECTS_BYTES = Buffer.from('objects');
/** Longer names cannot spell a wanted one, even with every character escaped (6 bytes each). */
const MAX_NAME_BYTES = 64;
/** Longer head values cannot name an object (ids are at most 300 characters). */
const MAX_HEAD_VALUE_BYTES = 1024;
const LITERALS: Record<number, Buffer> = { 0x74: Buffer.from('true'), 0x66: Buffer.from('false'), 0x6e: Buffer.from('null') };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * The JSON grammar (RFC 8259) one byte at a time, with an explicit stack, so no
 * depth overflows the call stack. Depth 1 is the body's object, 2 its members'
 * values (the `objects` list among them), 3 an element's own container. The last
 * `objects` member wins, as in JSON.parse.
 */
export class EnvelopeWalker {
  private pos = 0;
  private state = VALUE;
  private depth = 0;
  /** One bit per open container: 1 for an object. */
  private kinds = new Uint8Array(16);
  private isTopObject = false;
  /** The current top-level member is `objects`. */
  private isObjectsMember = false;
  /** The open list at depth 2 is the current `objects` (a later member may replace it). */
  private isInObjects = false;
  private list: WalkedObjects | undefined;
  private elementStart = -1;
  private isElementTooDeep = false;
  private skimDepth = 0;
  /** The current element passed the limit while skimmed: it is walked again, checked whole. */
  private isRewalking = false;
  /** Start and end of each head member's string in the current element, -1 when absent. */
  private readonly headSpans = new Int32Array(2 * HEAD_NAMES.length);
  private headSlot = -1;
  private tokenStart = 0;
  private isName = false;
  private hasEscape = false;
  private hexLeft = 0;
  private literal = LITERALS[0x74]!;
  private literalAt = 0;

  constructor(private readonly body: Buffer) {
    // TextDecoder drops a byte order mark; so does the walk.
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) this.pos = 3;
  }

  isAtEnd(): boolean {
    return this.pos >= this.body.length;
  }

  /** Walks at most `budget` bytes. */
  walk(budget: number): void {
    const b = this.body;
    const stop = Math.min(b.length, this.pos + budget);
    while (this.pos < stop) {
      const c = b[this.pos]!;
      switch (this.state) {
        case STRING: {
          let pos = this.pos;
          let d = c;
          // Ordinary characters in a tight loop: most of a body is string content.
          while (d !== 0x22 && d !== 0x5c && d >= 0x20 && ++pos < stop) d = b[pos]!;
          this.pos = pos;
          if (pos === stop) break;
          if (d === 0x22) this.endString();
          else if (d === 0x5c) {
            this.hasEscape = true;
            this.state = ESCAPE;
            this.pos++;
          } else this.fail('a character (control characters in strings must be escaped)');
          break;
        }
        case ESCAPE:
          if (c === 0x75) {
            this.state = HEX;
            this.hexLeft = 4;
          } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) this.state = STRING;
          else this.fail('an escape (one of " \\ / b f n r t u)');
          this.pos++;
          break;
        case HEX:
          if (!isHex(c)) this.fail('a hexadecimal digit');
          if (--this.hexLeft === 0) this.state = STRING;
          this.pos++;
          break;
        case VALUE:
        case FIRST_IN_LIST:
          if (isSpace(c)) this.pos++;
          else if (c === 0x5d && this.state === FIRST_IN_LIST) this.close(c);
          else if (c === 0x5b && this.depth >= 4) this.openLists(stop);
          else this.startValue(c);
          break;
        case FIRST_IN_OBJECT:
        case NAME:
          if (isSpace(c)) this.pos++;
          else if (c === 0x22) {
            this.isName = true;
            this.startString();
          } else if (c === 0x7d && this.state === FIRST_IN_OBJECT) this.close(c);
          else this.fail(this.state === NAME ? 'a member name' : "a member name or '}'");
          break;
        case COLON:
          if (isSpace(c)) this.pos++;
          else if (c === 0x3a) {
            this.state = VALUE;
            this.pos++;
          } else this.fail("':'");
          break;
        case AFTER_VALUE:
          if (isSpace(c)) this.pos++;
          else if (this.depth === 0) this.fail('the end of the body');
          else if (c === 0x2c) {
            this.state = this.isObjectOpen() ? NAME : VALUE;
            this.pos++;
          } else if (c === 0x5d && this.depth >= 5 && !this.isObjectOpen()) this.closeLists(stop);
          else if (c === (this.isObjectOpen() ? 0x7d : 0x5d)) this.close(c);
          else this.fail(this.isObjectOpen() ? "',' or '}'" : "',' or ']'");
          break;
        case SKIM:
        case SKIM_STRING:
          this.skim(stop);
          break;
        case LITERAL:
          if (c !== this.literal[this.literalAt]) this.fail(`'${this.literal.toString()}'`);
          this.pos++;
          if (++this.literalAt === this.literal.length) this.endValue();
          break;
        default:
          this.number(c);
      }
    }
  }

  /** At the end of the body: its value must be complete; what it held. */
  finish(): Walked {
    if (this.state === ZERO || this.state === INTEGER || this.state === FRACTION || this.state === EXPONENT_DIGITS) this.endValue();
    if (this.state !== AFTER_VALUE || this.depth !== 0) this.fail(this.expected());
    return { isObject: this.isTopObject, objects: this.list };
  }

  private startValue(c: number): void {
    if (this.depth === 0) this.isTopObject = c === 0x7b;
    else if (this.depth === 1 && this.isObjectsMember) this.list = c === 0x5b ? { starts: [], ends: [], deep: new Map() } : undefined;
    else if (this.depth === 2 && this.isInObjects) {
      this.elementStart = this.pos;
      this.isElementTooDeep = false;
      this.headSpans.fill(-1);
      if ((c === 0x7b || c === 0x5b) && !this.isRewalking) {
        this.skimDepth = 0;
        this.state = SKIM;
        return;
      }
    } else if (this.depth === 3 && this.isInObjects && this.headSlot >= 0 && c !== 0x22) {
      this.headSpans[2 * this.headSlot] = -1;
      this.headSlot = -1;
    }
    if (c === 0x7b || c === 0x5b) this.open(c === 0x7b);
    else if (c === 0x22) {
      this.isName = false;
      this.startString();
    } else if (c === 0x2d) this.startNumber(MINUS);
    else if (c === 0x30) this.startNumber(ZERO);
    else if (isDigit(c)) this.startNumber(INTEGER);
    else if (LITERALS[c] !== undefined) {
      this.literal = LITERALS[c]!;
      this.literalAt = 1;
      this.state = LITERAL;
      this.pos++;
    } else this.fail('a value');
  }

  private open(isObject: boolean): void {
    if (this.depth >> 3 === this.kinds.length) {
      const grown = new Uint8Array(this.kinds.length * 2);
      grown.set(this.kinds);
      this.kinds = grown;
    }
    const bit = 1 << (this.depth & 7);
    if (isObject) this.kinds[this.depth >> 3]! |= bit;
    else this.kinds[this.depth >> 3]! &= ~bit;
    this.depth++;
    if (this.depth === 2 && this.isObjectsMember && !isObject) this.isInObjects = true;
    // The element's own container is level 1 (docs/validation.md#limits).
    if (this.isInObjects && this.depth - 2 > MAX_NESTING) this.isElementTooDeep = true;
    this.state = isObject ? FIRST_IN_OBJECT : FIRST_IN_LIST;
    this.pos++;
  }

  /**
   * A run of '[' two levels inside an element, where opening needs no bookkeeping: in a
   * tight loop, as hostile bodies hold millions.
   */
  private openLists(stop: number): void {
    const b = this.body;
    let depth = this.depth;
    let pos = this.pos;
    do {
      if (depth >> 3 === this.kinds.length) {
        const grown = new Uint8Array(this.kinds.length * 2);
        grown.set(this.kinds);
        this.kinds = grown;
      }
      this.kinds[depth >> 3]! &= ~(1 << (depth & 7));
      depth++;
      pos++;
    } while (pos < stop && b[pos] === 0x5b);
    if (this.isInObjects && depth - 2 > MAX_NESTING) this.isElementTooDeep = true;
    this.depth = depth;
    this.pos = pos;
    this.state = FIRST_IN_LIST;
  }

  /** A run of ']' that leaves at least four levels open: closed in a tight loop. */
  private closeLists(stop: number): void {
    const b = this.body;
    const kinds = this.kinds;
    let depth = this.depth;
    let pos = this.pos;
    do {
      depth--;
      pos++;
    } while (pos < stop && b[pos] === 0x5d && depth >= 5 && (kinds[(depth - 1) >> 3]! & (1 << ((depth - 1) & 7))) === 0);
    this.depth = depth;
    this.pos = pos;
  }

  private close(c: number): void {
    if (this.depth === 2 && this.isInObjects && c === 0x5d) this.isInObjects = false;
    this.depth--;
    this.pos++;
    this.endValue();
  }

  /**
   * Delimits a container element: brackets and strings only, in a tight loop, as the
   * element's JSON is checked by JSON.parse when it is judged. Past the nesting limit the
   * element is walked again from its start, checked whole, and never parsed.
   */
  private skim(stop: number): void {
    const b = this.body;
    let pos = this.pos;
    let depth = this.skimDepth;
    let isInString = this.state === SKIM_STRING;
    while (pos < stop) {
      let c = b[pos]!;
      if (isInString) {
        while (c !== 0x22 && c !== 0x5c && ++pos < stop) c = b[pos]!;
        if (pos >= stop) break;
        // An escape's second byte is skipped, even past `stop`.
        if (c === 0x22) isInString = false;
        else pos++;
      } else if (c === 0x22) isInString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > MAX_NESTING) {
          this.pos = this.elementStart;
          this.isRewalking = true;
          this.state = VALUE;
          return;
        }
      } else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
        this.pos = pos + 1;
        this.endValue();
        return;
      }
      pos++;
    }
    this.pos = pos;
    this.skimDepth = depth;
    this.state = isInString ? SKIM_STRING : SKIM;
  }

  private isObjectOpen(): boolean {
    const d = this.depth - 1;
    return (this.kinds[d >> 3]! & (1 << (d & 7))) !== 0;
  }

  private startString(): void {
    this.tokenStart = this.pos;
    this.hasEscape = false;
    this.state = STRING;
    this.pos++;
  }

  private endString(): void {
    this.pos++;
    if (!this.isName) {
      if (this.depth === 3 && this.isInObjects && this.headSlot >= 0) {
        this.headSpans[2 * this.headSlot] = this.tokenStart;
        this.headSpans[2 * this.headSlot + 1] = this.pos;
        this.headSlot = -1;
      }
      this.endValue();
      return;
    }
    this.state = COLON;
    if (this.depth === 1) this.isObjectsMember = this.isNameOf(OBJECTS_BYTES);
    else if (this.depth === 3 && this.isInObjects) this.headSlot = HEAD_BYTES.findIndex((name) => this.isNameOf(name));
  }

  /** Whether the name just read spells `wanted` (escapes read as JSON.parse reads them). */
  private isNameOf(wanted: Buffer): boolean {
    const start = this.tokenStart + 1;
    const end = this.pos - 1;
    if (!this.hasEscape) return end - start === wanted.length && this.body.compare(wanted, 0, wanted.length, start, end) === 0;
    return end - start <= MAX_NAME_BYTES && JSON.parse(this.body.toString('utf8', start - 1, end + 1)) === wanted.toString();
  }

  private startNumber(state: number): void {
    this.state = state;
    this.pos++;
  }

  /** One byte of a number (RFC 8259 §6); the byte after it is left for what follows. */
  private number(c: number): void {
    const digit = isDigit(c);
    switch (this.state) {
      case MINUS:
        if (!digit) this.fail('a digit');
        this.state = c === 0x30 ? ZERO : INTEGER;
        break;
      case POINT:
        if (!digit) this.fail('a digit');
        this.state = FRACTION;
        break;
      case EXPONENT:
        if (c === 0x2b || c === 0x2d) this.state = EXPONENT_SIGN;
        else if (digit) this.state = EXPONENT_DIGITS;
        else this.fail('a digit or a sign');
        break;
      case EXPONENT_SIGN:
        if (!digit) this.fail('a digit');
        this.state = EXPONENT_DIGITS;
        break;
      default:
        if (digit && this.state !== ZERO) break;
        if (c === 0x2e && (this.state === ZERO || this.state === INTEGER)) this.state = POINT;
        else if ((c === 0x65 || c === 0x45) && this.state !== EXPONENT_DIGITS) this.state = EXPONENT;
        else return this.endValue();
    }
    this.pos++;
  }

  private endValue(): void {
    this.state = AFTER_VALUE;
    if (this.depth !== 2 || !this.isInObjects || this.elementStart < 0) return;
    const list = this.list!;
    if (this.isElementTooDeep) list.deep.set(list.starts.length, { isObject: this.body[this.elementStart] === 0x7b, head: this.head() });
    list.starts.push(this.elementStart);
    list.ends.push(this.pos);
    this.elementStart = -1;
    this.isRewalking = false;
  }

  private head(): Record<string, string> {
    const head: Record<string, string> = {};
    HEAD_NAMES.forEach((name, k) => {
      const start = this.headSpans[2 * k]!;
      const end = this.headSpans[2 * k + 1]!;
      if (start >= 0 && end - start <= MAX_HEAD_VALUE_BYTES) head[name] = JSON.parse(this.body.toString('utf8', start, end)) as string;
    });
    return head;
  }

  private expected(): string {
    switch (this.state) {
      case AFTER_VALUE:
        return this.depth === 0 ? 'the end of the body' : this.isObjectOpen() ? "',' or '}'" : "',' or ']'";
      case STRING:
      case ESCAPE:
      case HEX:
      case SKIM_STRING:
        return 'the end of a string';
      case SKIM:
        return "']' or '}'";
      case COLON:
        return "':'";
      case NAME:
      case FIRST_IN_OBJECT:
        return 'a member name';
      case LITERAL:
        return `'${this.literal.toString()}'`;
      case VALUE:
      case FIRST_IN_LIST:
        return 'a value';
      default:
        return 'a digit';
    }
  }

  private fail(what: string): never {
    const b = this.body;
    const found = this.pos >= b.length ? 'the end of the body' : JSON.stringify(b.toString('utf8', this.pos, Math.min(b.length, this.pos + 10)));
    const where = this.elementStart >= 0 ? `objects[${this.list!.starts.length}]: ` : '';
    throw new UnprocessableContentError(`The body is not valid JSON: ${where}expected ${what} at byte ${this.pos}, found ${found}.`);
  }
}
