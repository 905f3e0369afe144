/**
 * Reading the body of Add Objects (TAXII 2.1 §5.5): an envelope, or a STIX bundle
 * as a documented extension. The body is walked once, as bytes, in time slices
 * (envelope-walker.ts); each element of `objects` is kept as the exact bytes the
 * publisher sent (so it is served back byte for byte, without re-serialisation) and
 * parsed only when it is judged, one at a time, so a large envelope is never held
 * parsed whole. Any JSON error anywhere is a 422 before anything is stored. An
 * element deeper than the limit (docs/validation.md#limits) is never parsed, however
 * many brackets it holds.
 */

import { isUtf8 } from 'node:buffer';
import { UnprocessableContentError } from '../errors';
import { EnvelopeWalker, type TooDeep } from './envelope-walker';
import type { TimeSlice } from './time-slice';

/** Bytes walked between two looks at the clock. */
const STEP_BYTES = 64 * 1024;

/** One element of `objects` as the publisher sent it. */
export interface PostedElement {
  /** Its exact bytes: a view of the body. */
  bytes: Buffer;
  /** Set when it nests deeper than MAX_NESTING: it is refused without being parsed. */
  tooDeep?: TooDeep;
}

/** The elements of `objects`, in order, made one at a time. */
export class PostedObjects {
  constructor(
    private readonly body: Buffer,
    private readonly starts: number[],
    private readonly ends: number[],
    private readonly deep: Map<number, TooDeep>,
  ) {}

  get count(): number {
    return this.starts.length;
  }

  at(index: number): PostedElement {
    const element: PostedElement = { bytes: this.body.subarray(this.starts[index], this.ends[index]) };
    const tooDeep = this.deep.get(index);
    if (tooDeep !== undefined) element.tooDeep = tooDeep;
    return element;
  }
}

/** Walks the body in slices, `step` bytes between looks at the clock; the elements of its `objects` list, or a 422. */
export async function readPostedObjects(body: Buffer, slice: TimeSlice, step = STEP_BYTES): Promise<PostedObjects> {
  // One call: about 4 ms for 45 MB (docs/reliability.md#responsiveness).
  if (!isUtf8(body)) throw new UnprocessableContentError('The body is not valid UTF-8.');
  const walker = new EnvelopeWalker(body);
  while (!walker.isAtEnd()) {
    walker.walk(step);
    if (slice.isSpent()) await slice.pause();
  }
  const walked = walker.finish();
  if (!walked.isObject) throw new UnprocessableContentError('The body must be a JSON object with an "objects" list (a TAXII envelope or a STIX bundle).');
  const objects = walked.objects;
  if (objects === undefined || objects.starts.length === 0) throw new UnprocessableContentError('The envelope must have a non-empty "objects" list.');
  return new PostedObjects(body, objects.starts, objects.ends, objects.deep);
}

/** Parses one element's text; a syntax error is the whole body's 422 (the walk only delimited the element). */
export function parseElement(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnprocessableContentError(`The body is not valid JSON: objects[${index}]: ${(error as Error).message}`);
  }
}
