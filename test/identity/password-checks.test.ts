/**
 * The bounds on password checks (docs/reliability.md#login-throttling), with checks
 * that finish when the test says: which run, which wait, in what order they start,
 * and which are refused at once. Over HTTP the same order depends on scrypt's timing;
 * bench/login-flood.ts measures it there.
 */

import { TooManyRequestsError } from '../../src/errors';
import { PasswordChecks } from '../../src/identity/password-checks';
import type { Standing } from '../../src/identity/login-throttle';

class Harness {
  readonly started: string[] = [];
  readonly refused: string[] = [];
  private readonly finishers = new Map<string, () => void>();

  constructor(readonly checks: PasswordChecks) {}

  submit(name: string, source: string, standing: Standing, account = `user:${name}`, abandoned?: AbortSignal): Promise<void> {
    return this.checks
      .run(
        source,
        account,
        standing,
        () => {
          this.started.push(name);
          return new Promise<void>((done) => this.finishers.set(name, done));
        },
        abandoned,
      )
      .catch((error: unknown) => {
        if (!(error instanceof TooManyRequestsError)) throw error;
        this.refused.push(name);
      });
  }

  async finish(name: string): Promise<void> {
    this.finishers.get(name)!();
    await new Promise((r) => setImmediate(r));
  }
}

const settle = () => new Promise((r) => setImmediate(r));

test('when more checks arrive than there are slots, then the waiting ones start best standing first, and one source runs one at a time', async () => {
  const h = new Harness(new PasswordChecks({ slots: 2, perSource: 4, maxWaiting: 10 }));
  void h.submit('flood-a1', '10.0.0.1', 'suspect');
  void h.submit('flood-a2', '10.0.0.1', 'suspect');
  void h.submit('flood-b1', '10.0.0.2', 'suspect');
  void h.submit('fresh', '10.0.0.3', 'clean');
  void h.submit('partner', '10.0.0.1', 'known', 'user:partner');
  await settle();
  // a2 waits for a1 (same source) though a slot was free; b1 took it.
  expect(h.started).toEqual(['flood-a1', 'flood-b1']);
  await h.finish('flood-b1');
  expect(h.started).toEqual(['flood-a1', 'flood-b1', 'partner']);
  await h.finish('flood-a1');
  expect(h.started).toEqual(['flood-a1', 'flood-b1', 'partner', 'fresh']);
  await h.finish('partner');
  expect(h.started.at(-1)).toBe('flood-a2');
  expect(h.refused).toEqual([]);
});

test('when one source has as many checks as it may, then its next one is refused at once while other sources are admitted', async () => {
  const h = new Harness(new PasswordChecks({ slots: 1, perSource: 2, maxWaiting: 10 }));
  void h.submit('a1', '10.0.0.1', 'suspect');
  void h.submit('a2', '10.0.0.1', 'suspect');
  void h.submit('a3', '10.0.0.1', 'suspect');
  void h.submit('b1', '10.0.0.2', 'suspect');
  await settle();
  expect(h.refused).toEqual(['a3']);
  await h.finish('a1');
  await h.finish('a2');
  expect(h.started).toEqual(['a1', 'a2', 'b1']);
});

test('when the waiting line is full, then a worse check is refused and a better one takes the place of the newest worst one', async () => {
  const h = new Harness(new PasswordChecks({ slots: 1, perSource: 4, maxWaiting: 2 }));
  void h.submit('running', '10.0.0.1', 'suspect');
  void h.submit('s1', '10.0.0.2', 'suspect');
  void h.submit('s2', '10.0.0.3', 'suspect');
  void h.submit('s3', '10.0.0.4', 'suspect');
  void h.submit('fresh', '10.0.0.5', 'clean');
  await settle();
  expect(h.refused).toEqual(['s3', 's2']);
  await h.finish('running');
  expect(h.started).toEqual(['running', 'fresh']);
  await h.finish('fresh');
  expect(h.started).toEqual(['running', 'fresh', 's1']);
});

test('when a source without failures sends a burst, then only its first check goes ahead of suspect ones', async () => {
  const h = new Harness(new PasswordChecks({ slots: 1, perSource: 4, maxWaiting: 10 }));
  void h.submit('running', '10.0.0.1', 'suspect');
  void h.submit('suspect', '10.0.0.2', 'suspect');
  void h.submit('burst1', '10.0.0.3', 'clean');
  void h.submit('burst2', '10.0.0.3', 'clean');
  await settle();
  await h.finish('running');
  await h.finish('burst1');
  await h.finish('suspect');
  expect(h.started).toEqual(['running', 'burst1', 'suspect', 'burst2']);
});

test('when a client leaves while its check waits, then its check never runs and its place goes to the next', async () => {
  const h = new Harness(new PasswordChecks({ slots: 1, perSource: 4, maxWaiting: 1 }));
  const gone = new AbortController();
  void h.submit('running', '10.0.0.1', 'suspect');
  void h.submit('leaving', '10.0.0.2', 'suspect', 'user:leaving', gone.signal);
  await settle();
  gone.abort();
  await settle();
  void h.submit('next', '10.0.0.3', 'suspect');
  await settle();
  await h.finish('running');
  expect(h.started).toEqual(['running', 'next']);
  expect(h.refused).toEqual(['leaving']);
});
