/** Who is calling, as every layer below authentication sees it. */

export type AuthScheme = 'basic' | 'basic-key' | 'bearer' | 'token' | 'header' | 'certificate';

export interface Principal {
  /** Every right follows from the organisation's memberships. */
  organisationId: string;
  /** Set when a user authenticated with a password. */
  username?: string;
  /** Set when an API key authenticated. */
  keyId?: string;
  /** Set when a client certificate authenticated (SHA-256 fingerprint). */
  certificate?: string;
  /** Server administrators may use the admin API for every partnership. */
  admin: boolean;
  /** How the caller authenticated, for logs and audit; never the secret. */
  scheme: AuthScheme;
}

/** A short, secret-free label for logs: `org/user`, `org/key:<id>` or `org/cert:<fingerprint prefix>`. */
export function principalLabel(p: Principal): string {
  const who = p.username ?? (p.keyId ? `key:${p.keyId}` : p.certificate ? `cert:${p.certificate.slice(0, 16)}` : '?');
  return `${p.organisationId}/${who}`;
}

/**
 * Who acts on the admin resources: a signed-in principal, or the local operator,
 * at the command line (`cli`), through the configuration's seed at first start
 * (`seed`), or as the server's retention sweep (`retention`). The local operator
 * may do everything; the audit trail names it.
 */
export type Actor = Principal | LocalOperator;
export type LocalOperator = 'cli' | 'seed' | 'retention';

export function isLocalOperator(actor: Actor): actor is LocalOperator {
  return actor === 'cli' || actor === 'seed' || actor === 'retention';
}

/** Server administrators and the local operator manage everything. */
export function isAdministrator(actor: Actor): boolean {
  return isLocalOperator(actor) || actor.admin;
}
