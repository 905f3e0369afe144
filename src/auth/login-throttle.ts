/**
 * Rate limiting of failed logins, per source address and per account, in a
 * sliding window. A throttled source or account gets 429 before any credential is
 * checked, so guessing cannot also burn scrypt time. Kept in memory per process.
 */

export interface ThrottleLimits {
  perSource: number;
  perAccount: number;
  windowMs: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait when the source or the account is over its limit, else 0. */
  retryAfter(source: string, account: string | undefined): number {
    const bySource = this.waitFor(`source:${source}`, this.limits.perSource);
    const byAccount = account === undefined ? 0 : this.waitFor(`account:${account}`, this.limits.perAccount);
    return Math.max(bySource, byAccount);
  }

  recordFailure(source: string, account: string | undefined): void {
    this.push(`source:${source}`);
    if (account !== undefined) this.push(`account:${account}`);
  }

  recordSuccess(account: string | undefined): void {
    if (account !== undefined) this.failures.delete(`account:${account}`);
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
    if (this.failures.size > 100_000) this.failures.clear();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}
