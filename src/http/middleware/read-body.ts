import type { Request } from 'express';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import { watchBodyRate } from './body-rate';

/**
 * Reads a request body as bytes, refusing it as soon as it passes `limit`
 * (TAXII 2.1 §4.2.1 max_content_length): first from Content-Length, then while
 * streaming, so an oversized body is never buffered whole. A body that trickles in
 * slower than the minimum rate is refused too (body-rate.ts).
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
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
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
