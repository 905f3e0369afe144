/**
 * A deterministic, seeded synthetic STIX 2.1 feed for the benchmarks (issue 8).
 *
 * Every object is a pure function of (seed, stream, serial): nothing is kept in
 * memory, any position can be regenerated (revisions, order checks), and 10M
 * objects stream out of a generator. Each stream is a publisher's feed; ids and
 * observable values never repeat within a stream or across streams (< 1024), so
 * concurrent publishers never collide on a version.
 *
 * The feed repeats a block of 20 slots:
 *   0-7   indicators (patterns on ipv4-addr, domain-name, url, file hashes)
 *   8-9   malware
 *   10-12 relationships indicator --indicates--> malware
 *   13    identity
 *   14-17 SCOs: ipv4-addr, domain-name, url, file (v5 UUIDs)
 *   18    version 2 of this block's first indicator (later `modified`)
 *   19    odd blocks: version 3 of the previous block's first indicator;
 *         even blocks: version 2 of this block's first malware
 *
 *   npx tsc -p tsconfig.json && node dist/bench/generator.js --check 20000 [--expired-share 0.3]
 */

import { createHash } from 'node:crypto';

export type StixObject = { type: string; id: string } & Record<string, unknown>;

export const DEFAULT_SEED = 0x5eed2026;
export const BLOCK = 20;
/** Streams share the id and observable space only below this bound. */
export const MAX_STREAMS = 1024;

const T0_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;
const TLP_GREEN = 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da';
const SCO_NAMESPACE = Buffer.from('00abedb4aa42466c9c01fed23315a9b7', 'hex');

const WORDS = (
  'campaign actor infrastructure beacon loader stage payload command control server victim sector ' +
  'phishing lure credential harvest exfiltration lateral movement persistence registry scheduled task ' +
  'dropper obfuscated script macro document archive botnet proxy relay tunnel certificate observed ' +
  'telemetry sandbox detonation partner report confidence analyst cluster overlap regional banking ' +
  'telecom energy ministry police operation takedown sinkhole resolver passive dns hosting provider'
).split(' ');
const TLDS = ['com', 'net', 'org', 'info', 'io', 'biz', 'xyz', 'top'];
const INDICATOR_TYPES = ['malicious-activity', 'anomalous-activity', 'compromised', 'attribution', 'anonymization'];
const MALWARE_TYPES = ['trojan', 'backdoor', 'ransomware', 'remote-access-trojan', 'downloader', 'dropper', 'keylogger', 'bot', 'spyware', 'worm'];
const SECTORS = ['technology', 'financial-services', 'government', 'telecommunications', 'energy', 'law-enforcement', 'healthcare'];
const FAMILIES = ['Emotet', 'QakBot', 'IcedID', 'AgentTesla', 'RedLine', 'Remcos', 'AsyncRAT', 'Formbook', 'LockBit', 'PlugX', 'Cobalt Strike', 'SmokeLoader'];

/** murmur3's finaliser: a bijection on 32-bit integers with good mixing. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG; one per object, seeded from its position. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (value: number, digits: number) => (value >>> 0).toString(16).padStart(8, '0').slice(8 - digits);

/**
 * A UUIDv4-shaped id for (seed, stream, serial). The first group is a bijection of
 * the serial (unique within a stream) and looks random, as real v4 ids do in an
 * index; the stream sits in the last group (unique across streams).
 */
function uuid4(seed: number, stream: number, serial: number): string {
  const w0 = fmix32((serial + Math.imul(stream, 0x9e3779b1) + seed + 0x7f4a7c15) >>> 0);
  const w1 = fmix32(w0 ^ 0x68e31da4);
  const w2 = fmix32(w0 ^ 0xb5297a4d);
  const w3 = fmix32(w2 ^ serial);
  return `${hex(w0, 8)}-${hex(w1 >>> 16, 4)}-4${hex(w1 & 0xfff, 3)}-${hex(0x8000 | (w2 >>> 18), 4)}-${hex(stream, 4)}${hex(w3, 8)}`;
}

/** STIX 2.1 §2.9: SCO ids are UUIDv5 over the canonical JSON of their ID-contributing properties. */
function uuid5(canonical: string): string {
  const digest = createHash('sha1').update(SCO_NAMESPACE).update(canonical).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const h = digest.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Creation time of the object first issued at `serial`: one per second, with milliseconds. */
function createdMs(serial: number): number {
  return T0_MS + serial * 1000 + (serial % 997);
}

/** An observable key unique per (stream, block): ipv4 addresses and names built from it never repeat. */
function observableKey(stream: number, block: number): number {
  return fmix32(((block * MAX_STREAMS + (stream % MAX_STREAMS)) ^ 0x3c6ef372) >>> 0);
}

function ipv4(key: number): string {
  return `${key >>> 24}.${(key >>> 16) & 255}.${(key >>> 8) & 255}.${key & 255}`;
}

function domain(stream: number, block: number, salt: number, rand: () => number): string {
  const key = observableKey(stream, block) ^ salt;
  const word = WORDS[Math.floor(rand() * WORDS.length)]!;
  return `${word}-${hex(key, 8)}-${block.toString(36)}${stream.toString(36)}.${TLDS[key % TLDS.length]!}`;
}

function sha256Of(stream: number, serial: number): string {
  let out = '';
  let h = fmix32((serial ^ Math.imul(stream, 0x27d4eb2d)) >>> 0);
  for (let i = 0; i < 6; i++) {
    out += hex(h, 8);
    h = fmix32(h + i + 1);
  }
  // The last two words make the hash unique: the stream and the serial themselves.
  return out + hex(stream ^ 0x5bd1e995, 8) + hex(serial ^ 0x1b873593, 8);
}

function md5Of(stream: number, serial: number): string {
  return sha256Of(stream, serial ^ 0x55555555).slice(0, 24) + hex(serial ^ 0x2545f491, 8);
}

function sentence(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/**
 * Indicator lifetimes for the retention benchmark. Without it every indicator is
 * valid for 180 days (all long expired, as the feed starts in 2024); with it a
 * share of the objects (ids) are indicators valid for 30 days and every other
 * indicator is valid for a century, so "expired at sweep time" is that share.
 */
export interface IndicatorExpiry {
  /** Share of the objects (distinct ids) that are expired indicators, at most 8/18 (a block's indicators). */
  expiredObjectShare: number;
}

/** Distinct ids per block of 20 records, and indicators among them. */
const IDS_PER_BLOCK = 18;
const INDICATORS_PER_BLOCK = 8;

export class StixGenerator {
  /** Probability that an indicator is an expired one, or undefined for the plain feed. */
  private readonly expiredIndicators: number | undefined;

  constructor(
    readonly seed: number = DEFAULT_SEED,
    expiry?: IndicatorExpiry,
  ) {
    if (expiry === undefined) return;
    const p = (expiry.expiredObjectShare * IDS_PER_BLOCK) / INDICATORS_PER_BLOCK;
    if (!(p >= 0 && p <= 1)) throw new Error(`expiredObjectShare must be between 0 and ${INDICATORS_PER_BLOCK}/${IDS_PER_BLOCK}`);
    this.expiredIndicators = p;
  }

  /** The object at `serial` of `stream` (always the same object). */
  objectAt(stream: number, serial: number): StixObject {
    const block = Math.floor(serial / BLOCK);
    const slot = serial % BLOCK;
    const first = block * BLOCK;
    if (slot < 8) return this.indicator(stream, serial, 1);
    if (slot < 10) return this.malware(stream, serial, 1);
    if (slot < 13) return this.relationship(stream, serial, first + 2 * (slot - 10) + 1, first + 8 + ((slot - 10) % 2));
    if (slot === 13) return this.identity(stream, serial);
    if (slot < 18) return this.observable(stream, serial, slot - 14);
    if (slot === 18) return this.indicator(stream, first, 2);
    return block % 2 === 1 ? this.indicator(stream, first - BLOCK, 3) : this.malware(stream, first + 8, 2);
  }

  /** `count` objects of `stream` from serial `start`, generated one at a time. */
  *objects(stream: number, start: number, count: number): Generator<StixObject> {
    for (let serial = start; serial < start + count; serial++) yield this.objectAt(stream, serial);
  }

  /** An envelope (TAXII 2.1 §3.7) of `count` objects of `stream` from `start`, as JSON text. */
  envelope(stream: number, start: number, count: number): string {
    return envelopeText(this.objects(stream, start, count));
  }

  private id(type: string, stream: number, serial: number): string {
    return `${type}--${uuid4(this.seed, stream, serial)}`;
  }

  private rand(stream: number, serial: number): () => number {
    return mulberry32(fmix32((this.seed ^ Math.imul(stream + 1, 0x85ebca77) ^ fmix32(serial)) >>> 0));
  }

  /** The publishing vendor of a stream: the identity of its first block. */
  private author(stream: number): string {
    return this.id('identity', stream, 13);
  }

  private indicator(stream: number, serial: number, version: number): StixObject {
    const rand = this.rand(stream, serial);
    const block = Math.floor(serial / BLOCK);
    const created = createdMs(serial);
    let pattern: string;
    let name: string;
    switch (serial % 4) {
      case 0: {
        const ip = ipv4(fmix32(observableKey(stream, block) ^ (serial % BLOCK)));
        pattern = `[ipv4-addr:value = '${ip}']`;
        name = `C2 server ${ip}`;
        break;
      }
      case 1: {
        const d = domain(stream, block, serial % BLOCK, rand);
        pattern = `[domain-name:value = '${d}']`;
        name = `Malicious domain ${d}`;
        break;
      }
      case 2: {
        const d = domain(stream, block, 0x1000 + (serial % BLOCK), rand);
        pattern = `[url:value = 'https://${d}/${pick(rand, WORDS)}/${serial.toString(36)}.php']`;
        name = `Phishing URL on ${d}`;
        break;
      }
      default:
        pattern = `[file:hashes.'SHA-256' = '${sha256Of(stream, serial)}' OR file:hashes.MD5 = '${md5Of(stream, serial)}']`;
        name = `Payload of ${pick(rand, FAMILIES)}`;
    }
    const indicatorTypes = [pick(rand, INDICATOR_TYPES)];
    const description = sentence(rand, 5 + Math.floor(rand() * 5));
    const confidence = 40 + Math.floor(rand() * 50);
    const obj: StixObject = {
      type: 'indicator',
      spec_version: '2.1',
      id: this.id('indicator', stream, serial),
      created_by_ref: this.author(stream),
      created: timestamp(created),
      modified: timestamp(created + (version - 1) * DAY_MS),
      name,
      description,
      indicator_types: indicatorTypes,
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: timestamp(created),
      valid_until: timestamp(created + this.validDays(stream, serial) * DAY_MS),
      confidence: version === 1 ? confidence : Math.min(100, confidence + 5 * version),
      labels: [pick(rand, WORDS), pick(rand, WORDS)],
      object_marking_refs: [TLP_GREEN],
    };
    return obj;
  }

  /** Every version of an indicator (keyed by its first serial) has the same valid_until. */
  private validDays(stream: number, serial: number): number {
    if (this.expiredIndicators === undefined) return 180;
    const draw = fmix32((serial ^ Math.imul(stream + 1, 0x2545f491) ^ 0x3a8f05c5) >>> 0) / 4294967296;
    return draw < this.expiredIndicators ? 30 : 36_525;
  }

  private malware(stream: number, serial: number, version: number): StixObject {
    const rand = this.rand(stream, serial);
    const created = createdMs(serial);
    const family = pick(rand, FAMILIES);
    return {
      type: 'malware',
      spec_version: '2.1',
      id: this.id('malware', stream, serial),
      created_by_ref: this.author(stream),
      created: timestamp(created),
      modified: timestamp(created + (version - 1) * DAY_MS),
      name: `${family} variant ${serial.toString(36)}`,
      description: sentence(rand, 10 + Math.floor(rand() * 6)),
      malware_types: [pick(rand, MALWARE_TYPES)],
      is_family: false,
      aliases: [`${family.toLowerCase().replace(/ /g, '')}-${(serial % 9973).toString(16)}`],
      first_seen: timestamp(created - 30 * DAY_MS),
      capabilities: ['communicates-with-c2', pick(rand, ['persists-after-system-reboot', 'exfiltrates-data', 'captures-input-peripherals'])],
      object_marking_refs: [TLP_GREEN],
    };
  }

  private relationship(stream: number, serial: number, source: number, target: number): StixObject {
    const rand = this.rand(stream, serial);
    const created = createdMs(serial);
    return {
      type: 'relationship',
      spec_version: '2.1',
      id: this.id('relationship', stream, serial),
      created_by_ref: this.author(stream),
      created: timestamp(created),
      modified: timestamp(created),
      relationship_type: 'indicates',
      source_ref: this.id('indicator', stream, source),
      target_ref: this.id('malware', stream, target),
      description: sentence(rand, 5 + Math.floor(rand() * 5)),
      confidence: 50 + Math.floor(rand() * 40),
      object_marking_refs: [TLP_GREEN],
    };
  }

  private identity(stream: number, serial: number): StixObject {
    const rand = this.rand(stream, serial);
    const created = createdMs(serial);
    const name = `${pick(rand, WORDS)} ${pick(rand, WORDS)} unit ${serial.toString(36)}`;
    return {
      type: 'identity',
      spec_version: '2.1',
      id: this.id('identity', stream, serial),
      created: timestamp(created),
      modified: timestamp(created),
      name: name.charAt(0).toUpperCase() + name.slice(1),
      description: sentence(rand, 10 + Math.floor(rand() * 6)),
      identity_class: 'organization',
      sectors: [pick(rand, SECTORS), pick(rand, SECTORS)].filter((s, i, all) => all.indexOf(s) === i),
      contact_information: `soc-${serial.toString(36)}@example.org, +44 20 7946 ${String(serial % 10000).padStart(4, '0')}`,
      object_marking_refs: [TLP_GREEN],
    };
  }

  private observable(stream: number, serial: number, kind: number): StixObject {
    const rand = this.rand(stream, serial);
    const block = Math.floor(serial / BLOCK);
    switch (kind) {
      case 0: {
        const value = ipv4(observableKey(stream, block));
        return { type: 'ipv4-addr', spec_version: '2.1', id: `ipv4-addr--${uuid5(JSON.stringify({ value }))}`, value };
      }
      case 1: {
        const value = domain(stream, block, 0x2000, rand);
        return { type: 'domain-name', spec_version: '2.1', id: `domain-name--${uuid5(JSON.stringify({ value }))}`, value };
      }
      case 2: {
        const value = `https://${domain(stream, block, 0x3000, rand)}/${pick(rand, WORDS)}/${pick(rand, WORDS)}?id=${serial.toString(36)}`;
        return { type: 'url', spec_version: '2.1', id: `url--${uuid5(JSON.stringify({ value }))}`, value };
      }
      default: {
        const hashes = { 'SHA-256': sha256Of(stream, serial) };
        return {
          type: 'file',
          spec_version: '2.1',
          id: `file--${uuid5(JSON.stringify({ hashes }))}`,
          hashes,
          size: 20_000 + Math.floor(rand() * 2_000_000),
          name: `${pick(rand, WORDS)}_${serial.toString(36)}.${pick(rand, ['exe', 'dll', 'js', 'docm', 'zip'])}`,
        };
      }
    }
  }
}

/** The TAXII version of an object: `modified`, else `created`, else null (assigned by the server). */
export function versionOf(obj: StixObject): string | null {
  const version = obj['modified'] ?? obj['created'];
  return typeof version === 'string' ? version : null;
}

/** Builds an envelope's JSON text from objects, without holding more than one serialised object at a time. */
export function envelopeText(objects: Iterable<StixObject>): string {
  let text = '{"objects":[';
  let first = true;
  for (const obj of objects) {
    text += (first ? '' : ',') + JSON.stringify(obj);
    first = false;
  }
  return `${text}]}`;
}

/** Self-test: every generated object is accepted by Accord's validator; prints sizes and the type mix. */
async function check(count: number, seed: number, expiry?: IndicatorExpiry): Promise<number> {
  const { createValidator } = await import('../src/stix/validator');
  const generator = new StixGenerator(seed, expiry);
  const validator = createValidator();
  const types = new Map<string, number>();
  const versions = new Set<string>();
  let bytes = 0;
  let rejected = 0;
  let warned = 0;
  let duplicates = 0;
  let strictRejected = 0;
  const start = process.hrtime.bigint();
  for (const obj of generator.objects(0, 0, count)) bytes += Buffer.byteLength(JSON.stringify(obj));
  const genSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  let serial = 0;
  for (const obj of generator.objects(0, 0, count)) {
    types.set(obj.type, (types.get(obj.type) ?? 0) + 1);
    const key = `${obj.id}|${versionOf(obj) ?? ''}`;
    if (versions.has(key)) duplicates++;
    versions.add(key);
    const verdict = validator.validateObject(obj, { profile: 'standard', advice: true, index: serial });
    if (!verdict.accepted) {
      rejected++;
      if (rejected <= 5) console.log(`rejected #${serial} ${obj.id}: ${JSON.stringify(verdict.issues)}`);
    } else if (verdict.issues.some((i) => i.severity !== 'info')) {
      warned++;
      if (warned <= 5) console.log(`warning #${serial} ${obj.id}: ${JSON.stringify(verdict.issues)}`);
    }
    if (!validator.validateObject(obj, { profile: 'strict', index: serial }).accepted) strictRejected++;
    serial++;
  }
  // Other streams must not collide with stream 0.
  const other = new StixGenerator(seed, expiry);
  for (const obj of other.objects(1, 0, Math.min(count, 2000))) if (versions.has(`${obj.id}|${versionOf(obj) ?? ''}`)) duplicates++;
  console.log(`generated ${count} objects (seed ${seed}, stream 0) at ${Math.round(count / genSeconds).toLocaleString('en-US')} objects/s`);
  console.log(`average serialized size: ${(bytes / count).toFixed(1)} bytes (target about 570)`);
  console.log(`types: ${[...types].map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (expiry) {
    const ids = new Set<string>();
    const expired = new Set<string>();
    for (const obj of generator.objects(0, 0, count)) {
      ids.add(obj.id);
      if (obj.type === 'indicator' && Date.parse(String(obj['valid_until'])) < Date.now()) expired.add(obj.id);
    }
    console.log(`expired indicators: ${expired.size} of ${ids.size} ids (${((100 * expired.size) / ids.size).toFixed(1)}%, asked ${100 * expiry.expiredObjectShare}%)`);
  }
  console.log(`distinct (id, version): ${versions.size}; duplicates: ${duplicates}`);
  console.log(`validator (standard, with advice): rejected ${rejected}, with warnings ${warned}; strict profile rejected ${strictRejected}`);
  return rejected + duplicates + strictRejected === 0 ? 0 : 1;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--check');
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : DEFAULT_SEED;
  const shareAt = args.indexOf('--expired-share');
  const expiry = shareAt >= 0 ? { expiredObjectShare: Number(args[shareAt + 1]) } : undefined;
  if (at >= 0) {
    check(Number(args[at + 1] ?? 20000), seed, expiry).then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(error);
        process.exit(2);
      },
    );
  } else {
    // Without --check: write an envelope of N objects to stdout (for curl and other tools).
    const countAt = args.indexOf('--envelope');
    const count = countAt >= 0 ? Number(args[countAt + 1]) : 10;
    process.stdout.write(new StixGenerator(seed).envelope(0, 0, count) + '\n');
  }
}
