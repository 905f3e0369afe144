/**
 * RFC 5646 "valid" language tags (§2.2.9): well-formed per the §2.1 ABNF, every
 * subtag present in the IANA Language Subtag Registry, no repeated variant or
 * extension singleton. STIX 2.1 §3.2 (`lang`) and §7.1 (`contents` keys).
 *
 * The registry data comes from the `language-subtag-registry` package (the IANA
 * registry as JSON), read directly: `language-tags`, which wraps it, is ESM-only
 * and needs Node 22.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface SubtagSet {
  names: Set<string>;
  /** Private-use ranges such as `qaa..qtz` (same-length bounds, compared as strings). */
  ranges: Array<[string, string]>;
}

interface Registry {
  language: SubtagSet;
  extlang: SubtagSet;
  script: SubtagSet;
  region: SubtagSet;
  variant: SubtagSet;
  grandfathered: Set<string>;
}

let registry: Registry | null = null;

function registryDir(): string {
  return join(dirname(require.resolve('language-subtag-registry/package.json')), 'data', 'json');
}

function loadSet(dir: string, file: string): SubtagSet {
  const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, number>;
  const set: SubtagSet = { names: new Set(), ranges: [] };
  for (const key of Object.keys(raw)) {
    const dots = key.indexOf('..');
    if (dots > 0) set.ranges.push([key.slice(0, dots), key.slice(dots + 2)]);
    else set.names.add(key);
  }
  return set;
}

/** Loads the registry once; called by `createValidator` so that no request pays for it. */
export function loadLanguageRegistry(): void {
  if (registry) return;
  const dir = registryDir();
  registry = {
    language: loadSet(dir, 'language.json'),
    extlang: loadSet(dir, 'extlang.json'),
    script: loadSet(dir, 'script.json'),
    region: loadSet(dir, 'region.json'),
    variant: loadSet(dir, 'variant.json'),
    grandfathered: loadSet(dir, 'grandfathered.json').names,
  };
}

function has(set: SubtagSet, subtag: string): boolean {
  if (set.names.has(subtag)) return true;
  for (const [from, to] of set.ranges) {
    if (subtag.length === from.length && subtag >= from && subtag <= to) return true;
  }
  return false;
}

function isAlpha(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isAlnum(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

function isVariant(s: string): boolean {
  return (s.length >= 5 && s.length <= 8) || (s.length === 4 && isDigits(s.charAt(0)));
}

const cache = new Map<string, boolean>();
const CACHE_LIMIT = 4096;

export function isValidLanguageTag(tag: string): boolean {
  if (tag.length < 1 || tag.length > 128) return false;
  const cached = cache.get(tag);
  if (cached !== undefined) return cached;
  const result = checkTag(tag);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(tag, result);
  return result;
}

function checkTag(tag: string): boolean {
  loadLanguageRegistry();
  const reg = registry as Registry;
  const lower = tag.toLowerCase();
  if (reg.grandfathered.has(lower)) return true;
  const parts = lower.split('-');
  for (const p of parts) if (p.length < 1 || p.length > 8 || !isAlnum(p)) return false;
  let i = 0;
  if (parts[0] === 'x') return isPrivateUse(parts, 0);
  const language = parts[i++] as string;
  if (!isAlpha(language) || language.length < 2 || language.length === 4 || !has(reg.language, language)) return false;
  if (language.length <= 3) {
    for (let n = 0; n < 3 && i < parts.length; n++) {
      const p = parts[i] as string;
      if (p.length !== 3 || !isAlpha(p)) break;
      if (!has(reg.extlang, p)) return false;
      i++;
    }
  }
  if (i < parts.length && (parts[i] as string).length === 4 && isAlpha(parts[i] as string)) {
    if (!has(reg.script, parts[i] as string)) return false;
    i++;
  }
  if (i < parts.length) {
    const p = parts[i] as string;
    if ((p.length === 2 && isAlpha(p)) || (p.length === 3 && isDigits(p))) {
      if (!has(reg.region, p)) return false;
      i++;
    }
  }
  const variants = new Set<string>();
  while (i < parts.length && isVariant(parts[i] as string)) {
    const p = parts[i] as string;
    if (variants.has(p) || !has(reg.variant, p)) return false;
    variants.add(p);
    i++;
  }
  const singletons = new Set<string>();
  while (i < parts.length && (parts[i] as string).length === 1 && parts[i] !== 'x') {
    const s = parts[i] as string;
    if (singletons.has(s)) return false;
    singletons.add(s);
    i++;
    let count = 0;
    while (i < parts.length && (parts[i] as string).length >= 2) {
      count++;
      i++;
    }
    if (count === 0) return false;
  }
  if (i < parts.length) return parts[i] === 'x' && isPrivateUse(parts, i);
  return true;
}

function isPrivateUse(parts: string[], start: number): boolean {
  return parts.length > start + 1;
}

/**
 * ISO 639-2 codes (T and B) of the languages that also have an ISO 639-1 code: the
 * IANA registry lists only the two-letter form for them. All other ISO 639-2 codes
 * are registry language subtags.
 */
const ISO_639_2_WITH_639_1 = new Set(
  (
    'aar abk afr aka alb amh ara arg arm asm ava ave aym aze bak bam baq bel ben bis bod bos bre bul bur cat ces ' +
    'cha che chi chu chv cor cos cre cym cze dan deu div dut dzo ell eng epo est eus ewe fao fas fij fin fra fre ' +
    'fry ful geo ger gla gle glg glv gre grn guj hat hau heb her hin hmo hrv hun hye ibo ice ido iii iku ile ina ' +
    'ind ipk isl ita jav jpn kal kan kas kat kau kaz khm kik kin kir kom kon kor kua kur lao lat lav lim lin lit ' +
    'ltz lub lug mac mah mal mao mar may mkd mlg mlt mon mri msa mya nau nav nbl nde ndo nep nld nno nob nor nya ' +
    'oci oji ori orm oss pan per pli pol por pus que roh ron rum run rus sag san sin slk slo slv sme smo sna snd ' +
    'som sot spa sqi srd srp ssw sun swa swe tah tam tat tel tgk tgl tha tib tir ton tsn tso tuk tur twi uig ukr ' +
    'urd uzb ven vie vol wel wln wol xho yid yor zha zho zul'
  ).split(' '),
);

/** software `languages[*]`: an ISO 639-2 code or a valid RFC 5646 tag (STIX 2.1 §6.14). */
export function isSoftwareLanguage(value: string): boolean {
  if (value.length === 3) {
    const lower = value.toLowerCase();
    if (ISO_639_2_WITH_639_1.has(lower)) return true;
    loadLanguageRegistry();
    if (isAlpha(lower) && has((registry as Registry).language, lower)) return true;
  }
  return isValidLanguageTag(value);
}

/** ISO 3166-1 alpha-2, as registered region subtags (either case; private-use ranges excluded). */
export function isCountryCode(value: string): boolean {
  if (value.length !== 2) return false;
  const lower = value.toLowerCase();
  if (!isAlpha(lower)) return false;
  loadLanguageRegistry();
  return (registry as Registry).region.names.has(lower);
}
