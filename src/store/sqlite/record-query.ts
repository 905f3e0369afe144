/**
 * Translates a contract RecordQuery into SQL. Lists travel as one JSON parameter
 * (`json_each`), so a statement's text depends only on which filters are present:
 * statements stay cacheable and no list can exceed SQLite's variable limit.
 *
 * Version selection is relative to the records left after the bound and the
 * spec-version filter (docs/taxii.md#pipeline): a record is the `last` of its object when
 * no other remaining record of the same id has a later version (the rules of
 * store/selection.ts, against which the contract suite checks this SQL). The
 * version marks (version-marks.ts) answer that per row; subqueries on
 * records_by_object remain for filters that mix spec versions.
 *
 * Index choice is forced rather than left to the planner, so that a page never
 * scans the collection: by id through records_by_object, by one type through
 * records_by_type, by several types as one ordered, limited branch per type, and
 * otherwise in date order through records_by_date. Rival versions are always
 * looked up by (coll, stix_id) in records_by_object, which covers them.
 */

import type { ExpiryQuery, RecordQuery } from '../contract';

export interface SqlQuery {
  sql: string;
  params: Record<string, string | number>;
}

type Params = Record<string, string | number>;

/** Conditions on `r` shared by every access path: bound, spec versions, version selection. */
function commonConditions(q: RecordQuery, params: Params): string[] {
  const conditions: string[] = [];
  if (q.after !== undefined) {
    params.after = q.after;
    conditions.push('r.date_added > @after');
  }
  // A version mark passes when no outranking version was added after the bound.
  const unmarked = (column: string) => (q.after === undefined ? `r.${column} IS NULL` : `(r.${column} IS NULL OR r.${column} <= @after)`);
  const sameSpecRivals = q.specVersions === 'latest' || (Array.isArray(q.specVersions) && q.specVersions.length === 1);

  if (Array.isArray(q.specVersions)) {
    params.specs = JSON.stringify(q.specVersions);
    conditions.push('r.spec_version IN (SELECT value FROM json_each(@specs))');
  } else if (q.specVersions === 'latest') {
    // Without match[spec_version], keep each object's highest spec version only.
    conditions.push(unmarked('higher_spec_at'));
  }

  const v = q.versions;
  if (!v.all) {
    const picks: string[] = [];
    if (sameSpecRivals) {
      if (v.first) picks.push(unmarked('older_at'));
      if (v.last) picks.push(unmarked('newer_at'));
    } else {
      // Rivals of several spec versions: the marks only know same-spec rivals, so ask the index.
      const rivals = ['s.coll = r.coll', 's.stix_id = r.stix_id'];
      if (q.after !== undefined) rivals.push('s.date_added > @after');
      if (Array.isArray(q.specVersions)) rivals.push('s.spec_version IN (SELECT value FROM json_each(@specs))');
      const rival = (extra: string) => `NOT EXISTS (SELECT 1 FROM records s INDEXED BY records_by_object WHERE ${rivals.join(' AND ')} AND ${extra})`;
      if (v.first) picks.push(rival('s.version_key < r.version_key'));
      if (v.last) picks.push(rival('s.version_key > r.version_key'));
    }
    if (v.at.length > 0) {
      params.at = JSON.stringify(v.at);
      picks.push('r.version_key IN (SELECT value FROM json_each(@at))');
    }
    conditions.push(picks.length > 0 ? `(${picks.join(' OR ')})` : '0');
  }
  return conditions;
}

/** `SELECT <columns> FROM records r … WHERE …` for one access path, unordered. */
function branch(q: RecordQuery, collPk: number, columns: string, params: Params, typeParam?: string): string {
  params.coll = collPk;
  const conditions = ['r.coll = @coll', ...commonConditions(q, params)];
  // Where a page resumes, apart from the bound the version selection is relative to.
  if (params.startAfter !== undefined) conditions.push('r.date_added > @startAfter');
  let index = 'records_by_date';
  if (q.ids !== undefined) {
    index = 'records_by_object';
    params.ids = JSON.stringify(q.ids);
    conditions.push('r.stix_id IN (SELECT value FROM json_each(@ids))');
    if (q.types !== undefined) {
      params.types = JSON.stringify(q.types);
      conditions.push('r.type IN (SELECT value FROM json_each(@types))');
    }
  } else if (typeParam !== undefined) {
    index = 'records_by_type';
    conditions.push(`r.type = @${typeParam}`);
  }
  return `SELECT ${columns} FROM records r INDEXED BY ${index} WHERE ${conditions.join(' AND ')}`;
}

/**
 * A page of objects: `date_added, body` rows in date_added order, cut before the
 * first body that would take the running total past `budgetBytes` (the first
 * always stays). Sizes come from the record headers (octet_length loads no
 * overflow page), and bodies are joined in only for the rows kept, so a body past
 * the budget is never read (docs/reliability.md#memory). The kept rows drive the
 * join, in their order: no sorter copies the bodies (sqlite-plan.test.ts).
 */
export function objectsTextSql(q: RecordQuery, collPk: number, budgetBytes = Number.MAX_SAFE_INTEGER): SqlQuery {
  const page = pageSql(q, collPk, 'r.rid, r.date_added, octet_length(r.body) AS size', 0);
  const sized = `SELECT rid, date_added, row_number() OVER w AS k, sum(size) OVER w AS running FROM (${page.sql}) WINDOW w AS (ORDER BY date_added ROWS UNBOUNDED PRECEDING)`;
  return {
    sql: `SELECT kept.date_added, b.body FROM (${sized}) AS kept JOIN records b ON b.rid = kept.rid WHERE kept.k = 1 OR kept.running <= @budget`,
    params: { ...page.params, budget: budgetBytes },
  };
}

/** The rids a query selects, ignoring limit and offset (for delete and count). */
export function selectRidsSql(q: RecordQuery, collPk: number): SqlQuery {
  const params: Params = {};
  if (q.ids === undefined && q.types !== undefined) {
    const parts = q.types.map((type, i) => {
      params[`t${i}`] = type;
      return branch(q, collPk, 'r.rid', params, `t${i}`);
    });
    return { sql: parts.join(' UNION ALL '), params };
  }
  return { sql: branch(q, collPk, 'r.rid', params), params };
}

/**
 * The page's rows in date_added order. By default one row more than the limit is
 * read, which tells whether more follow (`lookahead` 0 reads exactly the limit).
 * `startAfter` skips rows up to a position without moving the query's bound.
 */
export function selectSql(q: RecordQuery, collPk: number, lookahead = 1, startAfter?: number): SqlQuery {
  return pageSql(q, collPk, `r.date_added, r.stix_id, r.type, r.version, r.spec_version${q.withBody ? ', r.body' : ''}`, lookahead, startAfter);
}

/** selectSql with the columns (of `r`) chosen by the caller. */
function pageSql(q: RecordQuery, collPk: number, columns: string, lookahead: number, startAfter?: number): SqlQuery {
  const params: Params = startAfter === undefined ? {} : { startAfter };
  // A branch of the multi-type merge must also cover the skipped records, hence its own limit.
  const offset = q.offset ?? 0;
  const limit = q.limit !== undefined ? ` LIMIT @limit${offset > 0 ? ' OFFSET @offset' : ''}` : offset > 0 ? ' LIMIT -1 OFFSET @offset' : '';
  const branchLimit = q.limit !== undefined ? ' LIMIT @branchLimit' : '';
  if (q.limit !== undefined) {
    params.limit = q.limit + lookahead;
    params.branchLimit = offset + q.limit + lookahead;
  }
  if (offset > 0) params.offset = offset;

  if (q.ids === undefined && q.types !== undefined && q.types.length > 1) {
    // One ordered, limited branch per type, merged: cost is bounded by types × limit.
    const parts = q.types.map((type, i) => {
      params[`t${i}`] = type;
      return `SELECT * FROM (${branch(q, collPk, 'r.rid, r.date_added', params, `t${i}`)} ORDER BY r.date_added${branchLimit})`;
    });
    const sql =
      `SELECT ${columns} FROM (${parts.join(' UNION ALL ')}) AS picked ` +
      `JOIN records r ON r.rid = picked.rid ORDER BY r.date_added${limit}`;
    return { sql, params };
  }
  const single = q.ids === undefined && q.types !== undefined ? 't0' : undefined;
  if (single) params.t0 = q.types![0]!;
  return { sql: `${branch(q, collPk, columns, params, single)} ORDER BY r.date_added${limit}`, params };
}

/** Every version of one object with its owner and submitter, in date order: from records_by_object. */
export const PROVENANCE_SQL = `SELECT version, spec_version, date_added, owner, submitter FROM records INDEXED BY records_by_object
  WHERE coll = ? AND stix_id = ? ORDER BY date_added`;

/**
 * The ids findExpired returns: each condition walks the partial index of newest
 * records (newest_records) in date order and stops at the limit, so a call
 * reads `limit` entries by age, and by valid_until the entries up to the
 * `limit`-th expired indicator (only records of indicators have a
 * valid_until_key), testing each in the index; the union (an indicator may
 * meet both) is ordered again and cut. Null when no condition is set.
 */
export function expiredSql(q: ExpiryQuery, collPk: number): SqlQuery | null {
  const params: Params = { coll: collPk, limit: q.limit };
  if (q.after !== undefined) params.after = q.after;
  const resume = q.after === undefined ? '' : ' AND date_added > @after';
  const newest = (index: string, condition: string) =>
    `SELECT * FROM (SELECT stix_id, date_added FROM records INDEXED BY ${index} WHERE coll = @coll AND next_added_at IS NULL${resume} AND ${condition} ORDER BY date_added LIMIT @limit)`;
  const parts: string[] = [];
  if (q.addedBefore !== undefined) {
    params.addedBefore = q.addedBefore;
    parts.push(newest('newest_records', 'date_added < @addedBefore'));
  }
  if (q.validUntilBefore !== undefined) {
    params.validUntilBefore = q.validUntilBefore;
    parts.push(newest('newest_records', 'valid_until_key < @validUntilBefore'));
  }
  if (parts.length === 0) return null;
  return { sql: `SELECT stix_id AS id, date_added AS newestAdded FROM (${parts.join(' UNION ')}) ORDER BY date_added LIMIT @limit`, params };
}
