/**
 * The semantic rules of each type, assembled once at start-up so that validating an
 * object runs a precomputed list, with nothing assembled per request.
 */
import { classOfType, type CommonClass } from '../object-class';
import { checkReferences, COMMON_REFS, TYPE_REFS, type RefSpec } from '../references';
import { VOCABULARY_USES } from '../vocabularies';
import { checkRelationshipSuggested, vocabularyRule } from './advisories';
import { checkExternalReferences, checkGranularSelectors, checkKillChainPhases } from './common-properties';
import type { SemanticRule } from './context';
import { checkCustomObject, checkExtensionKeys } from './extensions';
import { checkIdentifier, checkSpecVersionPresent } from './identity';
import { checkMarkingDefinition } from './markings';
import { checkExtensionDefinition } from './meta';
import { checkProperties } from './properties';
import { checkProtocols, checkRegistryKey, checkScoAdvisories, checkWindowsProcessExt } from './sco';
import { checkIndicator, checkLocation, checkMalwareAnalysis, checkObservedData } from './sdo';
import {
  checkModifiedAfterCreated,
  checkObservedOrder,
  checkRelationshipTimes,
  checkSeenOrder,
  checkTrafficTimes,
  checkValidityOrder,
  SEEN_TYPES,
} from './timestamps';

export type { RequestState, RuleContext, SemanticRule } from './context';
export { newRequestState } from './context';
export { hasToplevelExtension } from './extensions';

const KILL_CHAIN_TYPES = new Set(['attack-pattern', 'incident', 'indicator', 'infrastructure', 'malware', 'tool']);

const TYPE_SPECIFIC: ReadonlyMap<string, readonly SemanticRule[]> = new Map<string, SemanticRule[]>([
  ['location', [checkLocation]],
  ['malware-analysis', [checkMalwareAnalysis]],
  ['observed-data', [checkObservedData, checkObservedOrder]],
  ['indicator', [checkIndicator, checkValidityOrder]],
  ['relationship', [checkRelationshipTimes, checkRelationshipSuggested]],
  ['network-traffic', [checkProtocols, checkTrafficTimes]],
  ['windows-registry-key', [checkRegistryKey]],
  ['process', [checkWindowsProcessExt]],
  ['marking-definition', [checkMarkingDefinition]],
  ['extension-definition', [checkExtensionDefinition]],
]);

function referenceRule(specs: readonly RefSpec[]): SemanticRule {
  return (ctx) => checkReferences(ctx.obj, specs, ctx.out);
}

/** The rules of a spec-defined type, or of a custom type borrowing `commonClass`. */
export function buildRules(type: string, commonClass: CommonClass): SemanticRule[] {
  const rules: SemanticRule[] = [checkIdentifier, checkSpecVersionPresent, checkProperties, checkExtensionKeys, checkGranularSelectors];
  const custom = classOfType(type) === 'custom';
  // SCOs have no created_by_ref (STIX 2.1 §6): there it is a custom property, left unchecked.
  const common = commonClass === 'sco' ? COMMON_REFS.filter((r) => r.path[0] !== 'created_by_ref') : COMMON_REFS;
  const refs: RefSpec[] = [...common, ...(TYPE_REFS.get(type) ?? [])];
  if (commonClass !== 'sco') rules.push(checkModifiedAfterCreated, checkExternalReferences);
  if (custom) rules.push(checkCustomObject);
  if (KILL_CHAIN_TYPES.has(type)) rules.push(checkKillChainPhases);
  if (SEEN_TYPES.has(type)) rules.push(checkSeenOrder);
  rules.push(...(TYPE_SPECIFIC.get(type) ?? []));
  if (commonClass === 'sco' && !custom) rules.push(checkScoAdvisories);
  const vocab = VOCABULARY_USES.get(type);
  if (vocab) rules.push(vocabularyRule(vocab));
  rules.push(referenceRule(refs));
  return rules;
}
