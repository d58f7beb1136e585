/**
 * How many records an entity's backfill will process in all, estimated from ids: Pipedrive's v2
 * lists have no totals, but they page in id order, and ids are handed out in order within a
 * company. So the records still to come are about the ids still to come (up to the highest id,
 * read once when the run starts) times the share of ids that turned out to be live records so
 * far (deleted records leave gaps). It is an estimate for the progress bar and the ETA, never
 * used to decide anything; once the entity is read to its end, the total is what was processed.
 */
export interface IdSpan {
  /** The first id this entity's read saw (the run's, or the run's before a resume). */
  firstId: number | null;
  /** The last id of what is counted in `processed`. */
  lastId: number | null;
  /** The highest id when the run started; null when unknown. */
  maxId: number | null;
}

export function estimateTotal(processed: number, span: IdSpan, done: boolean): number | null {
  if (done) return processed;
  const { firstId, lastId, maxId } = span;
  if (maxId === null) return null;
  // Nothing read yet: ids start at 1 in a company, so this is an upper bound.
  if (firstId === null || lastId === null || processed === 0) return Math.max(processed, maxId - (firstId ?? 1) + 1);
  const idsSeen = Math.max(1, lastId - firstId + 1);
  const density = Math.min(1, processed / idsSeen);
  // Records created since the run started (above maxId) are found by the read and counted then.
  return processed + Math.round(Math.max(0, maxId - lastId) * density);
}

/** One of several cursors that read disjoint parts of an entity, each in id order. */
export interface StreamProgress {
  /** Records this stream has read (stored pages only). */
  read: number;
  done: boolean;
  firstId: number | null;
  lastId: number | null;
}

/**
 * The total of an entity read by several streams at once (deals, one stream per status): each
 * stream's own estimate, as if it were the only one. A stream with no page yet could hold any
 * share of the ids, so until every stream has started the total is at most the id range.
 */
export function estimateStreamsTotal(streams: readonly StreamProgress[], maxId: number | null): number | null {
  let sum = 0;
  let unstarted = false;
  for (const s of streams) {
    if (!s.done && s.read === 0) unstarted = true;
    else sum += estimateTotal(s.read, { firstId: s.firstId, lastId: s.lastId, maxId }, s.done) ?? s.read;
  }
  if (!unstarted) return sum;
  return maxId === null ? null : Math.max(sum, maxId);
}
