/**
 * Client certificate fingerprints: SHA-256 of the DER form as 64 upper-case hex
 * digits, the form Node's TLS layer reports without its colons. Every place that
 * takes a fingerprint (TLS, the admin API, the CLI, the seed) normalises it here.
 */

import { X509Certificate } from 'node:crypto';
import { UnprocessableContentError } from '../errors';

const FINGERPRINT = /^[0-9A-F]{64}$/;

/** `ab:cd:…` as `ABCD…`; whether the result is a SHA-256 fingerprint is for isFingerprint to say. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/:/g, '').toUpperCase();
}

export function isFingerprint(normalized: string): boolean {
  return FINGERPRINT.test(normalized);
}

export function fingerprintOfPem(pem: string): string {
  try {
    return normalizeFingerprint(new X509Certificate(pem).fingerprint256);
  } catch (error) {
    throw new UnprocessableContentError(`pem: not a PEM certificate (${(error as Error).message})`);
  }
}
