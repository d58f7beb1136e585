import { z } from 'zod';

/**
 * Faults the control API can inject into API responses. Each rule applies to the next `count`
 * matching requests (then disappears), so tests can script "two 503s then success".
 */
export const faultRuleSchema = z.object({
  /** abuse_block: the Cloudflare HTML 403 Pipedrive sends api_token clients that keep going after 429s. */
  kind: z.enum(['server_error', 'timeout', 'slow', 'rate_limit', 'malformed', 'abuse_block']),
  count: z.number().int().positive().default(1),
  /** server_error: 500, 502, 503 ... */
  status: z.number().int().min(500).max(599).default(503),
  /** slow: how long to wait before answering normally (real milliseconds). */
  delayMs: z.number().int().nonnegative().default(1000),
  /** Restrict to a method and/or a path substring (e.g. "/api/v2/persons"). */
  method: z.string().optional(),
  pathIncludes: z.string().optional(),
  /** Restrict to one company domain. */
  domain: z.string().optional(),
});

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema>;

export class FaultInjector {
  private rules: (FaultRule & { remaining: number })[] = [];

  add(input: FaultRuleInput): void {
    const rule = faultRuleSchema.parse(input);
    this.rules.push({ ...rule, remaining: rule.count });
  }

  clear(): void {
    this.rules = [];
  }

  pending(): FaultRule[] {
    return this.rules.map(({ remaining, ...r }) => ({ ...r, count: remaining }));
  }

  /** Takes the first rule matching this request, spending one of its uses. */
  take(method: string, path: string, domain: string): FaultRule | undefined {
    const idx = this.rules.findIndex(
      (r) => (!r.method || r.method.toUpperCase() === method) && (!r.pathIncludes || path.includes(r.pathIncludes)) && (!r.domain || r.domain === domain),
    );
    if (idx < 0) return undefined;
    const rule = this.rules[idx]!;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(idx, 1);
    return rule;
  }
}
