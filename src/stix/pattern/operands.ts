/** Checks on string operands that need more than their syntax (docs/validation.md#pattern-rules). */
import { isIPv4, isIPv6 } from 'node:net';

/** Longest address-or-CIDR text worth parsing (a full IPv6 with embedded IPv4 and prefix is 49). */
const MAX_ADDRESS_LENGTH = 64;

/**
 * ISSUBSET/ISSUPERSET compare IP networks (STIX 2.1 §9): an IPv4 or IPv6 address,
 * optionally with a `/prefix` of 0-32 or 0-128 written without leading zeros.
 */
export function isAddressOrCidr(value: string): boolean {
  if (value.length === 0 || value.length > MAX_ADDRESS_LENGTH || value.includes('%')) return false;
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return false;
  if (slash === -1) return true;
  const prefix = value.slice(slash + 1);
  if (prefix.length === 0 || prefix.length > 3 || (prefix.length > 1 && prefix[0] === '0')) return false;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(prefix) <= (v4 ? 32 : 128);
}

/** Longest MATCHES operand handed to the JavaScript regex compiler. */
export const MAX_REGEX_LENGTH = 4096;

/**
 * Why a MATCHES operand does not compile as a JavaScript regex, or null. The regex is
 * only constructed, never executed (docs/validation.md#pattern-rules: PCRE is not run
 * server-side).
 */
export function regexProblem(source: string): string | null {
  if (source.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters, not compiled`;
  try {
    new RegExp(source);
    return null;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const colon = text.lastIndexOf(': ');
    return colon === -1 ? text : text.slice(colon + 2);
  }
}
