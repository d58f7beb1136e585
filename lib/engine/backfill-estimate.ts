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
