/** extension-definition rules beyond the schema (STIX 2.1 §7.3; docs/validation.md#meta-objects). */
import { finding } from '../rules';
import type { RuleContext } from './context';

export function checkExtensionDefinition(ctx: RuleContext): void {
  const { obj } = ctx;
  const types = obj['extension_types'];
  if (Array.isArray(types) && types.includes('toplevel-property-extension') && obj['extension_properties'] === undefined) {
    ctx.out.push(finding('extension-properties-present', '/extension_types', 'a toplevel-property-extension should list extension_properties'));
  }
  if (obj['description'] === undefined) {
    ctx.out.push(finding('extension-definition-description', '', 'description should be present'));
  }
}
