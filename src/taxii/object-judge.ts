/**
 * The verdict the TAXII layer needs on each posted object: keep it or not, and
 * what to tell the publisher. src/stix supplies the real judge; the TAXII layer
 * only depends on this shape.
 */

import type { Profile } from '../stix/issues';

export interface Judgement {
  accepted: boolean;
  /** For a failure, why; for a success, warnings worth passing on. */
  message?: string;
}

/** The objects of one request, judged one at a time in envelope order. */
export interface JudgingSession {
  judge(obj: unknown, index: number): Judgement;
}

export interface ObjectJudge {
  session(profile: Profile): JudgingSession;
}
