/**
 * Parsing of `added_after` (TAXII 2.1 §3.4) in every RFC 3339 form clients send:
 * whole seconds, any number of fraction digits (taxii2-client strips trailing
 * zeros), lower-case `t`/`z`, and numeric offsets such as `+00:00`
 * (docs/client-quirks.md#added-after-forms). A space stands for `+`, since clients that do
 * not percent-encode the query turn `+00:00` into ` 00:00`. Returns microseconds since the epoch;
 * digits finer than a microsecond are truncated, which is safe because stored
 * `date_added` values are whole microseconds and the bound is exclusive.
 */

import { calendarProblem, microsOfParts, partsOfMatch } from '../stix/timestamp';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,32}))?(?:([Zz])|([+\- ])(\d{2}):(\d{2}))$/;

export function parseAddedAfter(value: string): number | null {
  const m = RFC3339.exec(value);
  if (!m) return null;
  const parts = partsOfMatch(m);
  if (calendarProblem(parts) !== null) return null;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return microsOfParts(parts, offsetMinutes);
}
