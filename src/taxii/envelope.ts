/**
 * Reading the body of Add Objects (TAXII 2.1 §5.5): an envelope, or a STIX bundle
 * as a documented extension. Each object is kept as the exact JSON text the
 * publisher sent, so it is served back byte for byte (timestamp digits, number
 * spellings, key order) without a re-serialisation.
 */

import { UnprocessableContentError } from '../errors';

export interface PostedObjects {
  /** The parsed elements of `objects`, in order. */
  objects: unknown[];
  /** The exact JSON text of each element. */
  texts: string[];
}

export function readPostedObjects(bytes: Buffer): PostedObjects {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UnprocessableContentError('The body is not valid UTF-8.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UnprocessableContentError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UnprocessableContentError('The body must be a JSON object with an "objects" list (a TAXII envelope or a STIX bundle).');
  }
  const objects = (parsed as Record<string, unknown>).objects;
  if (!Array.isArray(objects) || objects.length === 0) {
    throw new UnprocessableContentError('The envelope must have a non-empty "objects" list.');
  }
  const texts = objectTexts(text);
  if (texts.length !== objects.length) {
    // Unreachable for JSON that JSON.parse accepted; fall back rather than lose data.
    return { objects, texts: objects.map((o) => JSON.stringify(o)) };
  }
  return { objects, texts };
}

/**
 * The source text of each element of the top-level `objects` array of a JSON text
 * already known to be valid. Linear scan; when `objects` is repeated, the last one
 * wins, as in JSON.parse.
 */
export function objectTexts(text: string): string[] {
  let pos = skipSpace(text, 0);
  if (text[pos] !== '{') return [];
  pos = skipSpace(text, pos + 1);
  let arrayStart = -1;
  while (pos < text.length && text[pos] !== '}') {
    const keyEnd = skipString(text, pos);
    const key = decodeKey(text.slice(pos, keyEnd));
    pos = skipSpace(text, keyEnd);
    pos = skipSpace(text, pos + 1); // ':'
    const valueEnd = skipValue(text, pos);
    if (key === 'objects' && text[pos] === '[') arrayStart = pos;
    pos = skipSpace(text, valueEnd);
    if (text[pos] === ',') pos = skipSpace(text, pos + 1);
  }
  if (arrayStart < 0) return [];
  const out: string[] = [];
  pos = skipSpace(text, arrayStart + 1);
  while (pos < text.length && text[pos] !== ']') {
    const end = skipValue(text, pos);
    out.push(text.slice(pos, end));
    pos = skipSpace(text, end);
    if (text[pos] === ',') pos = skipSpace(text, pos + 1);
  }
  return out;
}

function decodeKey(raw: string): string {
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    pos++;
  }
  return pos;
}

/** Position just after the string starting at `pos` (which holds `"`). */
function skipString(text: string, pos: number): number {
  pos++;
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c === 0x5c) pos += 2;
    else if (c === 0x22) return pos + 1;
    else pos++;
  }
  return pos;
}

/** Position just after the value starting at `pos`; iterative, so depth cannot overflow the stack. */
function skipValue(text: string, pos: number): number {
  const first = text[pos];
  if (first === '"') return skipString(text, pos);
  if (first !== '{' && first !== '[') {
    while (pos < text.length && !',]} \n\r\t'.includes(text[pos]!)) pos++;
    return pos;
  }
  let depth = 0;
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) {
      pos = skipString(text, pos);
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return pos + 1;
    }
    pos++;
  }
  return pos;
}
