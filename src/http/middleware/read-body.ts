import type { Request } from 'express';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import { TimeSlice } from '../../taxii/time-slice';
import { watchBodyRate } from './body-rate';

/**
 * Reads a request body as bytes, refusing it as soon as it passes `limit`
 * (TAXII 2.1 §4.2.1 max_content_length): first from Content-Length, then while
 * streaming, so an oversized body is never buffered whole. A body that trickles in
 * slower than the minimum rate is refused too (body-rate.ts).
 *
 * With a Content-Length, each chunk is copied into place as it comes; without one,
 * the chunks are joined at the end in time slices. Either way no single copy of the
 * whole body holds the event loop (docs/reliability.md#responsiveness).
 */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  // A compressed body would be judged as bytes and fail as "not UTF-8"; say what is wrong
  // instead (415, as body-parser maps an unsupported encoding; docs/taxii.md#media-types).
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return Promise.reject(new UnsupportedMediaTypeError(`Content-Encoding ${encoding} is not supported: send the body uncompressed.`));
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(new PayloadTooLargeError(limit));
  // Node's parser delivers exactly Content-Length bytes, or an error.
  const whole = declared === undefined ? undefined : Buffer.allocUnsafe(Number(declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit || (whole !== undefined && size + chunk.length > whole.length)) {
        cleanup();
        req.pause();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      if (whole !== undefined) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      if (whole !== undefined) resolve(whole.subarray(0, size));
      else joinInSlices(chunks, size).then(resolve, reject);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const stopWatch = watchBodyRate(req, (error) => {
      cleanup();
      req.pause();
      reject(error);
    });
    const cleanup = () => {
      stopWatch();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

async function joinInSlices(chunks: Buffer[], size: number): Promise<Buffer> {
  const slice = new TimeSlice();
  const joined = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const chunk of chunks) {
    chunk.copy(joined, offset);
    offset += chunk.length;
    if (slice.isSpent()) await slice.pause();
  }
  return joined;
}
