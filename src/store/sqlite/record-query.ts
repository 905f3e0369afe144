/**
 * Translates a contract RecordQuery into SQL. Lists travel as one JSON parameter
 * (`json_each`), so a statement's text depends only on which filters are present:
 * statements stay cacheable and no list can exceed SQLite's variable limit.
 *
 * Version selection is relative to the records left after the bound and the
 * spec-version filter (checklist §3.4): a record is the `last` of its object when
 * no other remaining record of the same id has a later version.
 */

import type { RecordQuery } from '../contract';

export interface SqlQuery {
  sql: string;
  params: Record<string, string | number>;
}

/** The WHERE clause selecting the query's records from `records r`. */
export function whereClause(q: RecordQuery, collPk: number): SqlQuery {
  const params: Record<string, string | number> = { coll: collPk };
  const conditions = ['r.coll = @coll'];
  // Conditions a competing record `s` of the same object must meet to count.
  const rivals = ['s.coll = r.coll', 's.stix_id = r.stix_id', 's.rid != r.rid'];

  if (q.after !== undefined) {
    params.after = q.after;
    conditions.push('r.date_added > @after');
    rivals.push('s.date_added > @after');
  }
  if (q.ids !== undefined) {
    params.ids = JSON.stringify(q.ids);
    conditions.push('r.stix_id IN (SELECT value FROM json_each(@ids))');
  }
  if (q.types !== undefined) {
    params.types = JSON.stringify(q.types);
    conditions.push('r.type IN (SELECT value FROM json_each(@types))');
  }
  if (Array.isArray(q.specVersions)) {
    params.specs = JSON.stringify(q.specVersions);
    conditions.push('r.spec_version IN (SELECT value FROM json_each(@specs))');
    rivals.push('s.spec_version IN (SELECT value FROM json_each(@specs))');
  } else if (q.specVersions === 'latest') {
    // Without match[spec_version], keep each object's highest spec version only.
    conditions.push(`NOT EXISTS (SELECT 1 FROM records s WHERE ${rivals.join(' AND ')} AND s.spec_version > r.spec_version)`);
    rivals.push('s.spec_version = r.spec_version');
  }

  const v = q.versions;
  if (!v.all) {
    const picks: string[] = [];
    if (v.first) picks.push(`NOT EXISTS (SELECT 1 FROM records s WHERE ${rivals.join(' AND ')} AND s.version_key < r.version_key)`);
    if (v.last) picks.push(`NOT EXISTS (SELECT 1 FROM records s WHERE ${rivals.join(' AND ')} AND s.version_key > r.version_key)`);
    if (v.at.length > 0) {
      params.at = JSON.stringify(v.at);
      picks.push('r.version_key IN (SELECT value FROM json_each(@at))');
    }
    conditions.push(picks.length > 0 ? `(${picks.join(' OR ')})` : '0');
  }
  return { sql: conditions.join(' AND '), params };
}

export function selectSql(q: RecordQuery, collPk: number): SqlQuery {
  const where = whereClause(q, collPk);
  const columns = `r.date_added, r.stix_id, r.type, r.version, r.spec_version${q.withBody ? ', r.body' : ''}`;
  let sql = `SELECT ${columns} FROM records r WHERE ${where.sql} ORDER BY r.date_added`;
  if (q.limit !== undefined) {
    where.params.limit = q.limit + 1;
    sql += ' LIMIT @limit';
  }
  return { sql, params: where.params };
}
