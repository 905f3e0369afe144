import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPattern } from '../../../src/stix/pattern';
import { CORPUS_DIR, describeWithCorpus } from '../../support/corpus';

const EXAMPLES = path.join(CORPUS_DIR, 'oasis-examples');

interface Indicator {
  file: string;
  id: string;
  pattern: string;
}

function stixIndicators(dir: string): Indicator[] {
  const found: Indicator[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const objects = isRecord(doc) && Array.isArray(doc.objects) ? (doc.objects as unknown[]) : [doc];
    for (const o of objects) {
      if (isRecord(o) && o.type === 'indicator' && o.pattern_type === 'stix' && typeof o.pattern === 'string') {
        found.push({ file, id: String(o.id), pattern: o.pattern });
      }
    }
  }
  return found;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

describeWithCorpus('checkPattern on the OASIS example indicators', () => {
  const indicators = stixIndicators(EXAMPLES);

  it('when the examples are read, then they hold STIX indicators to check', () => {
    expect(indicators.length).toBeGreaterThan(0);
  });

  it('when every example indicator pattern is checked, then none draws a finding', () => {
    const failures = indicators
      .map((i) => ({ where: `${i.file} ${i.id}`, findings: checkPattern(i.pattern) }))
      .filter((r) => r.findings.length > 0);
    expect(failures).toEqual([]);
  });
});
