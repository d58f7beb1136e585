import type { z } from 'zod';

/**
 * A background job declared once: its queue name, the payload schema (checked when enqueued and
 * again when run), the handler and its retry policy. Failures retry with exponential backoff;
 * after the last retry the job moves to `<name>__dead`, where it stays visible in the database.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  limit: number;
  /** First retry delay in seconds; doubles each time (pg-boss retryBackoff). */
  delaySeconds: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
  signal: AbortSignal;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  retry: RetryPolicy;
  /** Seconds a run may take before pg-boss considers it failed and retries it. */
  expireInSeconds?: number;
  /**
   * Most runs of this job one worker process takes at once, below PIPEBRIDGE_WORKER_CONCURRENCY:
   * for jobs whose memory or CPU would not fit several times in one process.
   */
  maxConcurrencyPerProcess?: number;
  /**
   * pg-boss queue policy. `short` keeps at most one job per singletonKey waiting to run (a send
   * while one waits returns null), for jobs that work off what is due rather than their payload;
   * every send of such a job must then name its key, or all its keyless sends share one slot.
   */
  policy?: 'standard' | 'short';
  handler: (payload: z.infer<S>, ctx: JobContext) => Promise<void>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  if (!/^[a-z][a-z0-9.-]*$/.test(def.name)) throw new Error(`job name ${def.name} must be lower-case words joined by . or -`);
  return def;
}

export const deadLetterQueue = (name: string) => `${name}__dead`;

/** Thrown by a handler for input that can never succeed: no retry. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
