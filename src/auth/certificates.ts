/** Client certificate fingerprints: SHA-256 of the DER form, upper-case hex, as Node's TLS layer reports it. */

import { X509Certificate } from 'node:crypto';
import { UnprocessableContentError } from '../errors';

export function parseCertificateFingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toUpperCase();
  } catch (error) {
    throw new UnprocessableContentError(`pem: not a PEM certificate (${(error as Error).message})`);
  }
}
