/**
 * The failed-login memory stays bounded without lifting locks: a flood of one-off
 * failures from many sources (cheap with bogus API keys) must not wipe the record
 * of an account that is being guessed. Over HTTP this needs 100,000 sources; here
 * the same class runs with a small bound.
 */

import { LoginThrottle } from '../../src/identity/login-throttle';

test('when failures from many new sources overflow the memory, then a locked account and a locked source stay locked', () => {
  let now = 1_000_000;
  const throttle = new LoginThrottle({ perSource: 5, perAccount: 3, windowMs: 600_000 }, () => now, 1_000);
  for (let i = 0; i < 3; i++) throttle.recordFailure(`10.0.0.${i}`, 'user:victim');
  for (let i = 0; i < 5; i++) throttle.recordFailure('192.0.2.66', undefined);
  expect(throttle.retryAfter('10.9.9.9', 'user:victim')).toBeGreaterThan(0);
  expect(throttle.retryAfter('192.0.2.66', undefined)).toBeGreaterThan(0);

  for (let i = 0; i < 5_000; i++) {
    now += 1;
    throttle.recordFailure(`2001:db8::${i.toString(16)}`, `user:random-${i}`);
  }
  expect(throttle.retryAfter('10.9.9.9', 'user:victim')).toBeGreaterThan(0);
  expect(throttle.retryAfter('192.0.2.66', undefined)).toBeGreaterThan(0);
  // Unlocked entries were forgotten instead: an early flooder's source is clean again.
  expect(throttle.retryAfter('2001:db8::0', undefined)).toBe(0);

  // Even a flood of sources that each lock themselves evicts sources before accounts.
  for (let i = 0; i < 400; i++) for (let j = 0; j < 5; j++) throttle.recordFailure(`2001:db8:1::${i.toString(16)}`, undefined);
  expect(throttle.retryAfter('10.9.9.9', 'user:victim')).toBeGreaterThan(0);

  // Locks still end with their window.
  now += 600_001;
  expect(throttle.retryAfter('10.9.9.9', 'user:victim')).toBe(0);
});
