/**
 * A k-way merge of async streams each sorted by a numeric key, into one stream
 * in that order. It serves a page over more types than one query may scan
 * (record-query.ts typeGroups): one cursor per group of types, merged here by
 * dateAdded, so the page still reads only what it returns. Keys are unique
 * across the streams (dateAdded is unique per collection and the groups are
 * disjoint); on equal keys the earlier stream comes first.
 */

/**
 * Yields every item of `streams` in ascending `keyOf` order, reading each stream
 * only as far as the consumer goes; stopping early closes every stream. The head
 * of each stream is picked by a linear scan: k is small (at most a few dozen).
 */
export async function* mergeSorted<T>(streams: ReadonlyArray<AsyncIterable<T>>, keyOf: (item: T) => number): AsyncGenerator<T> {
  if (streams.length === 1) {
    yield* streams[0]!;
    return;
  }
  const iterators = streams.map((stream) => stream[Symbol.asyncIterator]());
  const heads: Array<{ item: T } | null> = iterators.map(() => null);
  const open = new Set(iterators.keys());
  const advance = async (i: number): Promise<void> => {
    const next = await iterators[i]!.next();
    if (next.done === true) open.delete(i);
    heads[i] = next.done === true ? null : { item: next.value };
  };
  try {
    // One after another: in a snapshot session the first read fixes the point in time (atClusterTime)
    // every later read uses, and reads sent together would each take their own, so that a page could
    // hold a record of one type and miss an earlier one of another, for good (inSnapshot, transactions.ts).
    for (const i of [...open]) await advance(i);
    for (;;) {
      let least = -1;
      heads.forEach((head, i) => {
        if (head !== null && (least < 0 || keyOf(head.item) < keyOf(heads[least]!.item))) least = i;
      });
      if (least < 0) return;
      yield heads[least]!.item;
      await advance(least);
    }
  } finally {
    await Promise.all([...open].map((i) => iterators[i]!.return?.()));
  }
}
