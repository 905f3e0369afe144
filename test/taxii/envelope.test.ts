/**
 * The envelope walk (src/taxii/envelope.ts) against JSON.parse, property-based: for any
 * body, it accepts what JSON.parse accepts and gives the same elements, whether it walks
 * the body in one step or byte by byte (a pause may fall on any byte), and it marks
 * exactly the elements the validator finds too deep (docs/validation.md#limits).
 */

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { measureObject } from '../../src/stix/limits';
import { parseElement, readPostedObjects } from '../../src/taxii/envelope';
import { TimeSlice } from '../../src/taxii/time-slice';

type Outcome = { ok: true; elements: unknown[] } | { ok: false; message: string };

/** What the walk makes of a body: each element parsed, or `{ tooDeep }` for one refused unparsed. */
async function walk(body: string, step: number): Promise<Outcome> {
  try {
    const posted = await readPostedObjects(Buffer.from(body), new TimeSlice(), step);
    const elements = Array.from({ length: posted.count }, (_, i) => {
      const element = posted.at(i);
      return element.tooDeep ? { tooDeep: element.tooDeep.isObject } : parseElement(element.bytes.toString('utf8'), i);
    });
    return { ok: true, elements };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** The same from JSON.parse and the validator's depth measure. */
function expected(body: string): Outcome {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, message: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'must be a JSON object' };
  const objects = (value as { objects?: unknown }).objects;
  if (!Array.isArray(objects) || objects.length === 0) return { ok: false, message: 'non-empty "objects"' };
  const elements = objects.map((o) => (o !== null && typeof o === 'object' && measureObject(o).tooDeep ? { tooDeep: !Array.isArray(o) } : o));
  return { ok: true, elements };
}

function agrees(got: Outcome, want: Outcome): boolean {
  if (!want.ok) return !got.ok && got.message.includes(want.message);
  return got.ok && isDeepStrictEqual(got.elements, want.elements);
}

const PIECES = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '+', '.', 'e', 'E', 't', 'n', ' ', '\n', '"objects"', '"\\u006fbjects"', 'true', 'false', 'null', '\\u00e9', 'é', '\u2028', '\u0001', '01', '1.', '-0.5e+3'];
const piece = fc.constantFrom(...PIECES);

/** A JSON value wrapped in 60 to 70 lists or objects: around the nesting limit. */
const nested = fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: 60, max: 70 }), fc.boolean()).map(([value, levels, objects]) => {
  let text = JSON.stringify(value);
  for (let i = 0; i < levels; i++) text = objects && i % 2 === 1 ? `{"id":"x--${i}","k":${text}}` : `[${text}]`;
  return text;
});

/** An envelope around some values, as is or with one piece inserted or one character dropped; or pieces alone. */
const bodies = fc.oneof(
  fc
    .tuple(fc.array(fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), nested), { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat(2), piece)
    .map(([values, at, edit, inserted]) => {
      const text = `{"type":"bundle","objects":[${values.join(',')}]}`;
      const k = at % (text.length + 1);
      if (edit === 0) return text;
      return edit === 1 ? text.slice(0, k) + inserted + text.slice(k) : text.slice(0, k) + text.slice(k + 1);
    }),
  fc.array(piece, { maxLength: 20 }).map((pieces) => pieces.join('')),
  fc.array(piece, { maxLength: 20 }).map((pieces) => `{"objects":[${pieces.join('')}]}`),
);

describe('the envelope walk', () => {
  test('when any body is walked in one step, then it agrees with JSON.parse and the validator depth measure', async () => {
    await fc.assert(fc.asyncProperty(bodies, async (body) => agrees(await walk(body, 1 << 16), expected(body))), { numRuns: 3000 });
  });

  test('when any body is walked byte by byte, then it gives what one step gives', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => isDeepStrictEqual(await walk(body, 1), await walk(body, 1 << 16))),
      { numRuns: 1000 },
    );
  });

  test('when a body starts with a byte order mark, then it is read as without one', async () => {
    expect(await walk('\uFEFF{"objects":[{"a":1}]}', 1 << 16)).toEqual({ ok: true, elements: [{ a: 1 }] });
  });
});
