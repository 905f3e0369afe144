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

export interface ObjectJudge {
  /** One judgement per element, in order. */
  judge(objects: readonly unknown[], profile: Profile): Judgement[];
}
