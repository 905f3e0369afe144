/**
 * Duplicate member names inside a posted object. JSON.parse keeps the last value
 * and the validator judges that one, but Accord serves the text as it was posted:
 * a consumer whose parser keeps the first value (or refuses duplicates) would see
 * content nobody validated. RFC 8259 §4 leaves such objects' meaning undefined, so
 * they are refused per object. One linear pass over text JSON.parse has accepted.
 */

import { childPointer } from '../stix/pointer';

interface Frame {
  pointer: string;
  /** Member names seen so far; absent for arrays. */
  names?: Set<string>;
  expectName: boolean;
  lastName: string;
  index: number;
}

/** The pointer of the first repeated member name, or null when every object's names are unique. */
export function firstDuplicateMember(text: string): string | null {
  let i = 0;
  const stack: Frame[] = [];
  const special = /["{}[\],]/g;
  for (;;) {
    // Jump straight to the next character that matters (the regex engine scans faster than a JS loop).
    special.lastIndex = i;
    if (special.exec(text) === null) return null;
    i = special.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (top?.names && top.expectName) {
        const raw = text.slice(i + 1, end - 1);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
        if (top.names.has(name)) return childPointer(top.pointer, name);
        top.names.add(name);
        top.lastName = name;
        top.expectName = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      const parent = stack[stack.length - 1];
      const pointer = parent === undefined ? '' : parent.names ? childPointer(parent.pointer, parent.lastName) : `${parent.pointer}/${parent.index}`;
      stack.push(c === 0x7b ? { pointer, names: new Set(), expectName: true, lastName: '', index: 0 } : { pointer, expectName: false, lastName: '', index: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.names) top.expectName = true;
      else if (top) top.index++;
    }
    i++;
  }
}

/** The position just after the string that starts at `start` (a `"`). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    // The quote closes the string unless an odd number of backslashes precede it.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}
