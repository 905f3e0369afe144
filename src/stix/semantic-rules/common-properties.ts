/**
 * Rules on common properties beyond their schema (STIX 2.1 §2.5, §2.11, §7.2.3;
 * docs/validation.md#common-properties): citation URLs and CVE/CAPEC ids (profile-dependent),
 * kill-chain naming, granular-marking selectors.
 */
import { isLowerHyphenated } from '../formats';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote, texts } from '../texts';
import { uriProblem } from '../uri';
import { isObject, type RuleContext } from './context';

const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const CAPEC_ID = /^CAPEC-\d+$/;
const MAX_VULN_ID = 64;

interface VulnSource {
  source: 'cve' | 'capec';
  kind: string;
  form: string;
  pattern: RegExp;
}

const VULN_SOURCES: readonly VulnSource[] = [
  { source: 'cve', kind: 'CVE', form: 'CVE-YYYY-NNNN', pattern: CVE_ID },
  { source: 'capec', kind: 'CAPEC', form: 'CAPEC-N', pattern: CAPEC_ID },
];

function matches(pattern: RegExp, value: string): boolean {
  return value.length <= MAX_VULN_ID && pattern.test(value);
}

/**
 * STIX 2.1 §2.5 (cve, capec source names), with the lenient-vuln-ref-shape scope of
 * docs/validation.md#leniencies. Ambiguity: applied to the external references of every object,
 * source names compared case-insensitively.
 */
function checkVulnRef(ref: Record<string, unknown>, pointer: string, ctx: RuleContext): void {
  const sourceName = ref['source_name'];
  if (typeof sourceName !== 'string') return;
  const externalId = ref['external_id'];
  const source = sourceName.toLowerCase();
  for (const v of VULN_SOURCES) {
    if (source === v.source) {
      if (externalId === undefined) {
        ctx.out.push(
          finding('vuln-ref-id', pointer, `source_name '${sourceName}' needs external_id like ${v.form}`, 'lenient-vuln-ref-shape'),
        );
      } else if (typeof externalId === 'string' && !matches(v.pattern, externalId)) {
        ctx.out.push(finding('vuln-ref-id', `${pointer}/external_id`, `source_name '${sourceName}' needs external_id like ${v.form}`));
      }
      return;
    }
  }
  if (typeof externalId !== 'string') return;
  for (const v of VULN_SOURCES) {
    if (matches(v.pattern, externalId)) {
      ctx.out.push(
        finding('vuln-ref-id', `${pointer}/external_id`, `${quote(externalId)} is a ${v.kind} id; use source_name '${v.source}'`, 'lenient-vuln-ref-shape'),
      );
      return;
    }
  }
}

export function checkExternalReferences(ctx: RuleContext): void {
  const refs = ctx.obj['external_references'];
  if (!Array.isArray(refs)) return;
  for (let i = 0; i < refs.length; i++) {
    const ref: unknown = refs[i];
    if (!isObject(ref)) continue;
    const pointer = childPointer('/external_references', i);
    const url = ref['url'];
    if (typeof url === 'string') {
      const problem = uriProblem(url);
      if (problem) ctx.out.push(finding('url-syntax', `${pointer}/url`, texts.urlSyntax(url, problem), 'lenient-url-syntax'));
      if (ctx.advice && ref['hashes'] === undefined) {
        ctx.out.push(finding('external-reference-url-hashes', pointer, 'url without hashes: the cited content cannot be verified'));
      }
    }
    checkVulnRef(ref, pointer, ctx);
  }
}

export function checkKillChainPhases(ctx: RuleContext): void {
  const phases = ctx.obj['kill_chain_phases'];
  if (!Array.isArray(phases)) return;
  for (let i = 0; i < phases.length; i++) {
    const phase: unknown = phases[i];
    if (!isObject(phase)) continue;
    for (const prop of ['kill_chain_name', 'phase_name']) {
      const value = phase[prop];
      if (typeof value === 'string' && !isLowerHyphenated(value)) {
        ctx.out.push(finding('kill-chain-phase-format', `/kill_chain_phases/${i}/${prop}`, texts.killChainPhaseFormat(value)));
      }
    }
  }
}

/**
 * STIX 2.1 §7.2.3.1: a selector is a dot path whose list positions are `[n]` steps;
 * every step must exist and none may enter a string.
 */
export function selectorResolves(root: Record<string, unknown>, selector: string): boolean {
  if (selector.length === 0 || selector.length > 4096) return false;
  let node: unknown = root;
  for (const step of selector.split('.')) {
    if (step.length === 0) return false;
    if (step.startsWith('[') && step.endsWith(']')) {
      const digits = step.slice(1, -1);
      if (!/^\d{1,9}$/.test(digits) || !Array.isArray(node)) return false;
      const index = Number(digits);
      if (index >= node.length) return false;
      node = node[index];
    } else {
      if (!isObject(node) || !Object.prototype.hasOwnProperty.call(node, step)) return false;
      node = node[step];
    }
  }
  return true;
}

export function checkGranularSelectors(ctx: RuleContext): void {
  const markings = ctx.obj['granular_markings'];
  if (!Array.isArray(markings)) return;
  for (let i = 0; i < markings.length; i++) {
    const marking: unknown = markings[i];
    if (!isObject(marking) || !Array.isArray(marking['selectors'])) continue;
    const selectors = marking['selectors'] as unknown[];
    for (let j = 0; j < selectors.length; j++) {
      const selector = selectors[j];
      if (typeof selector === 'string' && !selectorResolves(ctx.obj, selector)) {
        ctx.out.push(finding('granular-selector-resolves', `/granular_markings/${i}/selectors/${j}`, texts.granularSelectorResolves(selector)));
      }
    }
  }
}
