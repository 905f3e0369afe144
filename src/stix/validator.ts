/**
 * The STIX 2.1 object validator (docs/validation.md#where-it-runs): shape and limits first,
 * then type and identifier in code (never a regex that can backtrack), then the
 * compiled per-type schema (fast pass; the full pass only for failures), then the
 * semantic rules. Pure and deterministic; the object is never modified.
 */
import type { Finding, ObjectVerdict, Profile } from './issues';
import { loadLanguageRegistry } from './language-tag';
import { FULL_SCHEMA_PASS_MAX_VALUES, measureObject } from './limits';
import { classOfType, commonClassOfCustom, RESERVED_TYPES, type CommonClass, type ObjectClass } from './object-class';
import { isTypeName } from './identifier';
import { finding } from './rules';
import { mapSchemaErrors } from './schema-errors';
import { loadSchemaRegistry, type CompiledSchema, type SchemaRegistry } from './schema-registry';
import { buildRules, hasToplevelExtension, newRequestState, type RequestState, type RuleContext, type SemanticRule } from './semantic-rules';
import { texts } from './texts';
import { makeVerdict, toIssues } from './verdict';

export interface ValidateOptions {
  profile: Profile;
  /** Report advisories (`info`), docs/validation.md#advisories. */
  advice?: boolean;
  /** Position in the envelope or bundle; 0 when omitted. */
  index?: number;
}

/** Objects of one request judged one at a time, with the request-wide checks (duplicate-version). */
export interface ValidationSession {
  validate(obj: unknown, index: number): ObjectVerdict;
}

export interface StixValidator {
  validateObject(obj: unknown, opts: ValidateOptions): ObjectVerdict;
  /** For streaming: each object can be dropped once judged, so a large envelope is never held parsed whole. */
  session(opts: Omit<ValidateOptions, 'index'>): ValidationSession;
  /** Each element judged alone, plus request-wide checks (duplicate-version advisory). Index = position in list. */
  validateObjects(list: readonly unknown[], opts: Omit<ValidateOptions, 'index'>): ObjectVerdict[];
}

interface TypePlan {
  schema: CompiledSchema;
  rules: readonly SemanticRule[];
  objectClass: ObjectClass;
  commonClass: CommonClass;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class Validator implements StixValidator {
  private readonly plans = new Map<string, TypePlan>();
  private readonly customPlans = new Map<string, TypePlan>();

  constructor(private readonly registry: SchemaRegistry) {
    for (const [type, schema] of registry.byType) {
      const objectClass = classOfType(type);
      const commonClass: CommonClass = objectClass === 'custom' ? 'sdo' : objectClass;
      this.plans.set(type, { schema, rules: buildRules(type, commonClass), objectClass, commonClass });
    }
  }

  /** Custom types: rules depend on the type only through the borrowed class, so plans are cached per (type, class). */
  private customPlan(type: string, commonClass: CommonClass): TypePlan {
    const key = `${commonClass}:${type}`;
    let plan = this.customPlans.get(key);
    if (!plan) {
      const schema = commonClass === 'sco' ? this.registry.coreSco : this.registry.coreSdo;
      plan = { schema, rules: buildRules(type, commonClass), objectClass: 'custom', commonClass };
      // Bounded: a hostile stream of distinct custom types must not grow memory without limit.
      if (this.customPlans.size >= 1024) this.customPlans.clear();
      this.customPlans.set(key, plan);
    }
    return plan;
  }

  validateObject(obj: unknown, opts: ValidateOptions): ObjectVerdict {
    return this.judge(obj, opts, newRequestState());
  }

  validateObjects(list: readonly unknown[], opts: Omit<ValidateOptions, 'index'>): ObjectVerdict[] {
    const session = this.session(opts);
    return list.map((obj, index) => session.validate(obj, index));
  }

  session(opts: Omit<ValidateOptions, 'index'>): ValidationSession {
    const request = newRequestState();
    const seen = new Set<string>();
    return {
      validate: (obj, index) => {
        const verdict = this.judge(obj, { ...opts, index }, request);
        if (opts.advice) markDuplicateVersion(obj, verdict, seen);
        return verdict;
      },
    };
  }

  private judge(obj: unknown, opts: ValidateOptions, request: RequestState): ObjectVerdict {
    const index = opts.index ?? 0;
    const advice = opts.advice === true;
    const findings = this.findingsFor(obj, advice, request);
    return makeVerdict(index, obj, toIssues(findings, opts.profile, advice, obj));
  }

  private findingsFor(obj: unknown, advice: boolean, request: RequestState): Finding[] {
    if (!isPlainObject(obj)) return [finding('object-shape', '', texts.objectShape(obj))];
    const size = measureObject(obj);
    // Ambiguity: the limit is reported on the object itself; a pointer 64 steps deep helps no one.
    if (size.tooDeep) return [finding('object-limits', '', texts.objectLimits())];
    const type = obj['type'];
    if (type === undefined) return [finding('required-property', '', texts.requiredProperty('type'))];
    if (typeof type !== 'string') return [finding('property-type', '/type', texts.propertyType('a string', type))];
    // Type names are judged in code, length first, before any schema (docs/validation.md#redos).
    if (!isTypeName(type)) return [finding('type-name', '/type', texts.typeName(type))];
    if (RESERVED_TYPES.has(type)) return [finding('type-reserved', '/type', texts.typeReserved(type))];
    // STIX 2.1 §8: a bundle is a container, not an object, wherever it appears as one.
    if (type === 'bundle') return [finding('bundle-in-envelope', '', 'a bundle cannot be added as an object')];

    let plan = this.plans.get(type);
    if (!plan) plan = this.customPlan(type, commonClassOfCustom(obj).cls);
    const out: Finding[] = [];
    const ctx: RuleContext = {
      obj,
      type,
      objectClass: plan.objectClass,
      commonClass: plan.commonClass,
      defined: plan.schema.properties,
      hasToplevelExtension: hasToplevelExtension(obj),
      advice,
      request,
      out,
    };
    for (const rule of plan.rules) rule(ctx);
    if (!plan.schema.fast(obj)) {
      let errors = plan.schema.fast.errors ?? [];
      if (size.values <= FULL_SCHEMA_PASS_MAX_VALUES) {
        plan.schema.full(obj);
        errors = plan.schema.full.errors ?? [];
      }
      out.push(...mapSchemaErrors(errors, obj, plan.objectClass === 'custom'));
    }
    return out;
  }
}

/** duplicate-version (docs/validation.md#advisories): the same id and modified twice in one request or bundle. */
function markDuplicateVersion(obj: unknown, verdict: ObjectVerdict, seen: Set<string>): void {
  if (!isPlainObject(obj) || typeof obj['id'] !== 'string' || typeof obj['modified'] !== 'string') return;
  const key = `${obj['id']}\u0000${obj['modified']}`;
  if (seen.has(key)) {
    verdict.issues.push({
      rule: 'duplicate-version',
      severity: 'info',
      pointer: '/modified',
      message: `version ${obj['modified']} of ${obj['id']} appears earlier in this request`,
    });
  }
  seen.add(key);
}

/** Compiles every schema once; throws an Error naming the schema $id if one fails to compile. */
export function createValidator(): StixValidator {
  loadLanguageRegistry();
  return new Validator(loadSchemaRegistry());
}
