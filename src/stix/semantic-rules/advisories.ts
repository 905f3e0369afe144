/** Advisories (docs/validation.md#advisories): `info` in both profiles, only with advice on. */
import { isLowerHyphenated } from '../formats';
import { identifierPrefix } from '../identifier';
import { childPointer } from '../pointer';
import { finding } from '../rules';
import { quote } from '../texts';
import { GENERIC_RELATIONSHIPS, SUGGESTED_RELATIONSHIPS, VOCABULARIES, type VocabularyUse } from '../vocabularies';
import { isObject, type RuleContext, type SemanticRule } from './context';

function checkVocabularyValue(ctx: RuleContext, value: unknown, pointer: string, vocabulary: string): void {
  const values = VOCABULARIES[vocabulary];
  if (typeof value !== 'string' || !values || values.has(value)) return;
  ctx.out.push(finding('open-vocab-value', pointer, `${quote(value)} is not in ${vocabulary}`));
  if (!isLowerHyphenated(value)) ctx.out.push(finding('open-vocab-format', pointer, `custom value ${quote(value)} should be lowercase words joined by '-'`));
}

export function vocabularyRule(uses: readonly VocabularyUse[]): SemanticRule {
  return (ctx) => {
    if (!ctx.advice) return;
    for (const use of uses) {
      let node: unknown = ctx.obj;
      let pointer = '';
      for (const step of use.path) {
        node = isObject(node) ? node[step] : undefined;
        pointer = childPointer(pointer, step);
      }
      if (Array.isArray(node)) node.forEach((v, i) => checkVocabularyValue(ctx, v, childPointer(pointer, i), use.vocabulary));
      else checkVocabularyValue(ctx, node, pointer, use.vocabulary);
    }
  };
}

export function checkRelationshipSuggested(ctx: RuleContext): void {
  if (!ctx.advice) return;
  const { obj } = ctx;
  const relType = obj['relationship_type'];
  const source = typeof obj['source_ref'] === 'string' ? identifierPrefix(obj['source_ref']) : null;
  const target = typeof obj['target_ref'] === 'string' ? identifierPrefix(obj['target_ref']) : null;
  if (typeof relType !== 'string' || source === null || target === null || GENERIC_RELATIONSHIPS.has(relType)) return;
  if (SUGGESTED_RELATIONSHIPS.get(`${source} ${relType}`)?.has(target)) return;
  ctx.out.push(
    finding('relationship-type-suggested', '/relationship_type', `${source} ${quote(relType)} ${target} is not a relationship the specification suggests`),
  );
}
