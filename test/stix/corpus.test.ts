import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateDocument } from '../../src/stix/document';
import { CORPUS_DIR as CORPUS, describeWithCorpus } from '../support/corpus';
import { validator } from './helpers';

/** The shared corpus sits beside the repository (docs/validation.md#real-world-data). */
const SETS = ['attack', 'oasis-examples', 'oasis-common'];

function corpusFiles(): string[] {
  return SETS.flatMap((set) => {
    const dir = join(CORPUS, set);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(set, f)) : [];
  });
}

const files = existsSync(CORPUS) ? corpusFiles() : [];

describeWithCorpus('shared corpus', () => {
  test('when the corpus is present, then all three sets have files', () => {
    for (const set of SETS) expect(files.some((f) => f.startsWith(`${set}/`))).toBe(true);
  });

  test.each(files)('when %s is validated under standard, then no object has an error', (file) => {
    const doc: unknown = JSON.parse(readFileSync(join(CORPUS, file), 'utf8'));
    const result = validateDocument(validator(), doc, { profile: 'standard', advice: true });
    const errors = [
      ...result.documentIssues.filter((i) => i.severity === 'error').map((i) => `document ${i.pointer} [${i.rule}] ${i.message}`),
      ...result.verdicts.flatMap((v) =>
        v.issues.filter((i) => i.severity === 'error').map((i) => `${v.id ?? v.index} ${i.pointer} [${i.rule}] ${i.message}`),
      ),
    ];
    expect(errors).toEqual([]);
    expect(result.verdicts.length).toBeGreaterThan(0);
    expect(result.verdicts.every((v) => v.accepted)).toBe(true);
  });

  test.each(files)('when %s is validated under strict, then only leniencies and SHOULD rules fail', (file) => {
    const doc: unknown = JSON.parse(readFileSync(join(CORPUS, file), 'utf8'));
    const standard = validateDocument(validator(), doc, { profile: 'standard' });
    const strict = validateDocument(validator(), doc, { profile: 'strict' });
    const softInStandard = new Set(
      [...standard.documentIssues, ...standard.verdicts.flatMap((v) => v.issues)].filter((i) => i.severity === 'warning').map((i) => i.rule),
    );
    const strictErrors = [...strict.documentIssues, ...strict.verdicts.flatMap((v) => v.issues)].filter((i) => i.severity === 'error');
    for (const issue of strictErrors) expect(softInStandard).toContain(issue.rule);
  });
});
