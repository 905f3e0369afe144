/**
 * Rate limiting of failed password logins, per source address and per account, in a
 * sliding window (docs/reliability.md#login-throttling). A throttled login gets 429
 * before its password is checked, so guessing cannot also burn scrypt time. Kept in
 * memory per process. Only passwords can be guessed: API keys carry 256-bit secrets
 * and certificates cannot be guessed, so they are neither counted nor locked (a lock
 * would only shut out a partner behind the same address as a guesser).
 *
 * Neither lock applies to an (account, address) pair that logged in before: whoever
 * knows a user name could otherwise keep a partner's SIEM, polling from its usual
 * address, locked out indefinitely, and a guesser behind the same NAT would lock out
 * everyone there. Guessing that account from that address is limited by the pair's
 * own failures instead, as many as a source may have.
 */

/** How a password login stands with the throttle: a pair seen before, a source without failures, or neither. */
export type Standing = 'known' | 'clean' | 'suspect';

export interface ThrottleLimits {
  perSource: number;
  perAccount: number;
  windowMs: number;
}

/** Sources and accounts remembered at once by default (about 100 bytes each). */
const MAX_ENTRIES = 100_000;
/** Addresses remembered per account, most recent first (accounts are real users, so few). */
const KNOWN_SOURCES_PER_ACCOUNT = 16;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly knownSources = new Map<string, string[]>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
    private readonly maxEntries: number = MAX_ENTRIES,
  ) {}

  /** Seconds to wait when the login is over a limit that applies to it, else 0. */
  retryAfter(source: string, account: string | undefined): number {
    if (this.isKnown(source, account)) return this.waitFor(pairKey(source, account!), this.limits.perSource);
    const bySource = this.waitFor(`source:${source}`, this.limits.perSource);
    const byAccount = account === undefined ? 0 : this.waitFor(`account:${account}`, this.limits.perAccount);
    return Math.max(bySource, byAccount);
  }

  /** Which checks go first when many wait (password-checks.ts). */
  standing(source: string, account: string | undefined): Standing {
    if (this.isKnown(source, account)) return 'known';
    return this.recent(`source:${source}`).length === 0 ? 'clean' : 'suspect';
  }

  recordFailure(source: string, account: string | undefined): void {
    this.push(`source:${source}`);
    if (account === undefined) return;
    this.push(`account:${account}`);
    if (this.isKnown(source, account)) this.push(pairKey(source, account));
  }

  /** Remembers the address; clears the account's failures unless it is locked (a known address must not unlock it for others). */
  recordSuccess(source: string, account: string | undefined): void {
    if (account === undefined) return;
    const known = this.knownSources.get(account) ?? [];
    // Every authenticated request lands here: nothing to do in the usual case of the same address.
    if (known[0] !== source) this.knownSources.set(account, [source, ...known.filter((s) => s !== source)].slice(0, KNOWN_SOURCES_PER_ACCOUNT));
    this.failures.delete(pairKey(source, account));
    const key = `account:${account}`;
    if (this.failures.has(key) && this.waitFor(key, this.limits.perAccount) === 0) this.failures.delete(key);
  }

  private isKnown(source: string, account: string | undefined): boolean {
    return account !== undefined && (this.knownSources.get(account)?.includes(source) ?? false);
  }

  private waitFor(key: string, limit: number): number {
    const recent = this.recent(key);
    if (recent.length < limit) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - limit]! + this.limits.windowMs - this.now()) / 1000));
  }

  private push(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
    if (this.failures.size > this.maxEntries) this.prune();
  }

  /**
   * Keeps memory bounded without lifting anyone's lock: a flood of one-off failures
   * from many sources must not wipe the record of a locked account. Drops expired
   * entries, then entries below their limit (oldest first), and only then locked ones.
   */
  private prune(): void {
    const target = Math.floor(this.maxEntries * 0.9);
    const since = this.now() - this.limits.windowMs;
    for (const [key, times] of this.failures) if (times[times.length - 1]! <= since) this.failures.delete(key);
    for (const [key, times] of this.failures) {
      if (this.failures.size <= target) return;
      const limit = key.startsWith('account:') ? this.limits.perAccount : this.limits.perSource;
      if (times.filter((t) => t > since).length < limit) this.failures.delete(key);
    }
    // Locked entries last, sources (cheap to multiply) before pairs and accounts.
    for (const prefix of ['source:', 'pair:', 'account:']) {
      for (const key of this.failures.keys()) {
        if (this.failures.size <= target) return;
        if (key.startsWith(prefix)) this.failures.delete(key);
      }
    }
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}

function pairKey(source: string, account: string): string {
  return `pair:${account} ${source}`;
}
