/**
 * Reading credentials from a request, however clients send them
 * (docs/client-quirks.md#api-keys): Basic (any scheme case; an API key may be the
 * password, for Sentinel, FortiGate and QRadar), `Bearer` and `Token` API keys,
 * a configurable custom header, and a client certificate on a TLS connection.
 */

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseKeyToken } from './api-key-token';
import { normalizeFingerprint } from './fingerprint';
import { USERNAME } from './model';
import type { AuthScheme } from './principal';

export type PresentedCredentials =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'key'; token: string; scheme: AuthScheme }
  | { kind: 'certificate'; fingerprint: string }
  | { kind: 'malformed'; scheme: string }
  | { kind: 'none' };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function presentedCredentials(req: IncomingMessage, apiKeyHeader: string): PresentedCredentials {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return fromAuthorization(authorization);
  const custom = req.headers[apiKeyHeader.toLowerCase()];
  if (typeof custom === 'string' && custom !== '') return { kind: 'key', token: custom.trim(), scheme: 'header' };
  const fingerprint = verifiedClientCertificate(req);
  if (fingerprint) return { kind: 'certificate', fingerprint };
  return { kind: 'none' };
}

/**
 * The account a password login claims, for login throttling; never the secret.
 * Only passwords can be guessed: keys and certificates are not throttled (see
 * LoginThrottle), so they claim none.
 */
export function claimedAccount(credentials: PresentedCredentials): string | undefined {
  return credentials.kind === 'password' ? `user:${credentials.username}` : undefined;
}


/** Who a credential claims to be, for the log line of a refused request; never the secret. */
export function claimedIdentity(credentials: PresentedCredentials): string | undefined {
  switch (credentials.kind) {
    case 'password':
      // Only a name that could be a user name: a token or password typed into the
      // user field (swapped client settings) must not reach the log.
      return USERNAME.test(credentials.username) && !credentials.username.includes('accord_') ? `user:${credentials.username}` : 'user:(not a user name)';
    case 'key': {
      const parsed = parseKeyToken(credentials.token);
      return parsed ? `key:${parsed.keyId}` : 'key:(malformed)';
    }
    case 'certificate':
      return `cert:${credentials.fingerprint.slice(0, 16)}`;
    default:
      return undefined;
  }
}

function fromAuthorization(header: string): PresentedCredentials {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return { kind: 'malformed', scheme: header.trim().split(/\s+/, 1)[0]!.slice(0, 20).toLowerCase() };
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return { kind: 'key', token: value, scheme: 'bearer' };
  if (scheme === 'token') return { kind: 'key', token: value, scheme: 'token' };
  if (scheme !== 'basic' || value.length > 4096 || !BASE64.test(value)) return { kind: 'malformed', scheme: scheme.slice(0, 20) };
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
  } catch {
    return { kind: 'malformed', scheme };
  }
  // RFC 7617: the user-id ends at the first ':'; the password may contain ':'.
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'malformed', scheme };
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Clients that only speak Basic put the API key in the password (username: anything, e.g. the key id).
  if (parseKeyToken(password)) return { kind: 'key', token: password, scheme: 'basic-key' };
  return { kind: 'password', username, password };
}

/** The SHA-256 fingerprint of a client certificate the TLS layer verified against the configured CA. */
function verifiedClientCertificate(req: IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  return cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : undefined;
}
