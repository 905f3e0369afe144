/**
 * The shared STIX corpus (../shared/corpus, written by others) is read in place,
 * never copied. Where it is absent, the tests that need it are reported as
 * skipped with a title that says so, never counted as passed.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths';

export const CORPUS_DIR = process.env.ACCORD_CORPUS_DIR ?? join(projectRoot(), '..', 'shared', 'corpus');

export function corpusPresent(): boolean {
  return existsSync(join(CORPUS_DIR, 'README.md'));
}

export function readCorpusText(relative: string): string {
  return readFileSync(join(CORPUS_DIR, relative), 'utf8');
}

/** `describe` when the corpus is present; otherwise one skipped test naming what did not run. */
export function describeWithCorpus(name: string, body: () => void): void {
  if (corpusPresent()) {
    describe(name, body);
  } else {
    describe(name, () => {
      test.skip(`SKIPPED: the shared corpus is not at ${CORPUS_DIR} (set ACCORD_CORPUS_DIR)`, () => undefined);
    });
  }
}
