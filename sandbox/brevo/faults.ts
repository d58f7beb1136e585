/**
 * Faults a test can queue on an account. Each matches requests by method and path prefix (relative to /v3)
 * and fires `times` times before it is used up.
 */
export type FaultSpec =
  | { kind: 'status'; status: 500 | 502 | 503 | 504; times?: number; method?: string; pathPrefix?: string }
  | { kind: 'timeout'; times?: number; method?: string; pathPrefix?: string }
  | { kind: 'rate-limit-storm'; times?: number; method?: string; pathPrefix?: string; resetSeconds?: number }
  | {
      kind: 'reject-record';
      /** The contact email, SMS (any format) or ext_id whose writes are refused. */
      match: string;
      times?: number;
      reason: 'invalid_phone' | 'blocklisted' | 'invalid_email' | 'duplicate_sms';
    };

interface ArmedFault {
  spec: FaultSpec;
  left: number;
}

export class FaultBook {
  private faults: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({ spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first armed request-level fault matching this request. */
  takeRequestFault(method: string, apiPath: string): Exclude<FaultSpec, { kind: 'reject-record' }> | undefined {
    for (const f of this.faults) {
      const s = f.spec;
      if (s.kind === 'reject-record' || f.left <= 0) continue;
      if (s.method && s.method.toUpperCase() !== method) continue;
      if (s.pathPrefix && !apiPath.startsWith(s.pathPrefix)) continue;
      f.left -= 1;
      this.prune();
      return s;
    }
    return undefined;
  }

  /** Takes a record-level fault whose match is one of the identifiers a write carries. */
  takeRecordFault(identifiers: (string | undefined)[]): Extract<FaultSpec, { kind: 'reject-record' }> | undefined {
    const wanted = new Set(identifiers.filter((v): v is string => !!v).map((v) => v.toLowerCase().replace(/^\+|^00/, '')));
    for (const f of this.faults) {
      const s = f.spec;
      if (s.kind !== 'reject-record' || f.left <= 0) continue;
      if (!wanted.has(s.match.toLowerCase().replace(/^\+|^00/, ''))) continue;
      f.left -= 1;
      this.prune();
      return s;
    }
    return undefined;
  }

  private prune(): void {
    this.faults = this.faults.filter((f) => f.left > 0);
  }
}
