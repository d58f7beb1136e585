import { describe, expect, it } from 'vitest';
import { backfillJob, incrementalJob } from '../engine/jobs';
import { concurrencyOf } from './runtime';

describe('job concurrency per worker process', () => {
  it('runs one backfill per process, and other jobs at the configured concurrency', () => {
    expect(concurrencyOf(backfillJob, 4)).toBe(1);
    expect(concurrencyOf(incrementalJob, 4)).toBe(4);
    expect(concurrencyOf({ maxConcurrencyPerProcess: 8 }, 2)).toBe(2);
  });
});
