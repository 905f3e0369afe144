/**
 * Reading the body of Add Objects (TAXII 2.1 §5.5): an envelope, or a STIX bundle
 * as a documented extension. The body is scanned once, strictly, for its
 * top-level members; each element of `objects` is kept as the exact JSON text the
 * publisher sent (so it is served back byte for byte, without re-serialisation)
 * and parsed only when it is judged, one at a time, so a large envelope is never
 * held parsed whole. Any JSON error anywhere is a 422 before anything is stored.
 */

import { UnprocessableContentError } from '../errors';

/** The exact JSON text of each element of `objects`, in order. */
export function readPostedObjects(bytes: Buffer): string[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UnprocessableContentError('The body is not valid UTF-8.');
  }
  const objects = new EnvelopeScanner(text).scan();
  if (objects === undefined || objects.length === 0) {
    throw new UnprocessableContentError('The envelope must have a non-empty "objects" list.');
  }
  return objects;
}

/** Parses one element's text; a syntax error is the whole body's 422. */
export function parseElement(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnprocessableContentError(`The body is not valid JSON: objects[${index}]: ${(error as Error).message}`);
  }
}

/**
 * A strict scanner of the top level `{ "key": value, … }`. Values other than
 * `objects` are checked with JSON.parse; the elements of `objects` are delimited
 * here and checked when parsed. When `objects` is repeated, the last one wins, as
 * in JSON.parse. Iterative: nesting depth cannot overflow the stack.
 */
class EnvelopeScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  scan(): string[] | undefined {
    this.space();
    if (this.text[this.pos] !== '{') {
      // Not an object: name the JSON error if there is one, else the shape.
      this.check(this.text.trim());
      throw new UnprocessableContentError('The body must be a JSON object with an "objects" list (a TAXII envelope or a STIX bundle).');
    }
    this.pos++;
    let objects: string[] | undefined;
    this.space();
    if (this.text[this.pos] === '}') this.pos++;
    else {
      for (;;) {
        this.space();
        const keyStart = this.pos;
        if (this.text[this.pos] !== '"') this.fail('a member name');
        const key = this.check(this.text.slice(keyStart, this.skipString())) as string;
        this.space();
        this.expect(':');
        this.space();
        if (key === 'objects' && this.text[this.pos] === '[') objects = this.elements();
        else {
          const start = this.pos;
          const value = this.check(this.text.slice(start, this.skipValue()));
          if (key === 'objects') objects = Array.isArray(value) ? value : undefined;
        }
        this.space();
        if (this.text[this.pos] === ',') {
          this.pos++;
          continue;
        }
        this.expect('}');
        break;
      }
    }
    this.space();
    if (this.pos !== this.text.length) this.fail('the end of the body');
    return objects;
  }

  /** The element texts of the array at pos. */
  private elements(): string[] {
    this.pos++;
    const out: string[] = [];
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      const start = this.pos;
      const end = this.skipValue();
      if (end === start) this.fail('a value');
      out.push(this.text.slice(start, end));
      this.space();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return out;
    }
  }

  private check(slice: string): unknown {
    try {
      return JSON.parse(slice);
    } catch (error) {
      throw new UnprocessableContentError(`The body is not valid JSON: ${(error as Error).message}`);
    }
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`'${char}'`);
    this.pos++;
  }

  private fail(what: string): never {
    const found = this.pos >= this.text.length ? 'the end of the body' : JSON.stringify(this.text.slice(this.pos, this.pos + 10));
    throw new UnprocessableContentError(`The body is not valid JSON: expected ${what} at position ${this.pos}, found ${found}.`);
  }

  private space(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  /** Moves past the string at pos (which holds `"`); returns the position after it. */
  private skipString(): number {
    const t = this.text;
    this.pos++;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x5c) this.pos += 2;
      else if (c === 0x22) return ++this.pos;
      else this.pos++;
    }
    this.fail('the end of a string');
  }

  /** Moves past the value at pos without judging it (JSON.parse does, later); returns the position after it. */
  private skipValue(): number {
    const t = this.text;
    const first = t[this.pos];
    if (first === '"') return this.skipString();
    if (first !== '{' && first !== '[') {
      while (this.pos < t.length && !',]} \n\r\t'.includes(t[this.pos]!)) this.pos++;
      return this.pos;
    }
    let depth = 0;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        this.skipString();
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return ++this.pos;
      }
      this.pos++;
    }
    this.fail('the end of a value');
  }
}
