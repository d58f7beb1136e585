import { z } from 'zod';

/**
 * The parts of a webhook v2 deal `data` object the transition logic reads. Webhook data is not
 * the API v2 shape (it carries "only crucial information"), so this schema asks for little and
 * lets the rest go.
 */
export const dealWebhookDataSchema = z.object({
  id: z.number().int(),
  title: z.string().nullish(),
  stage_id: z.number().int(),
  pipeline_id: z.number().int(),
  status: z.string(),
  person_id: z.number().int().nullish(),
  org_id: z.number().int().nullish(),
  value: z.number().nullish(),
  currency: z.string().nullish(),
  update_time: z.string().nullish(),
});
export type DealWebhookData = z.infer<typeof dealWebhookDataSchema>;

export interface DealTransition {
  dealId: number;
  /** Set when the deal really moved to another stage. */
  stage: { from: number; to: number } | null;
  /** Set when the stage move also crossed pipelines. */
  pipeline: { from: number; to: number } | null;
  /** Set when the deal was just won or lost. */
  status: { from: string; to: 'won' | 'lost' } | null;
}

/**
 * Reads what happened to a deal from a webhook v2 `change`. In v2, `previous` holds only the
 * fields whose values changed, so a field missing from `previous` did not change: comparing
 * `data.stage_id` with an absent `previous.stage_id` is the bug that made other connectors fire
 * "stage changed" on every edit (Activepieces PR #9752). Returns null when neither the stage
 * nor the won/lost status changed.
 */
export function detectDealTransition(
  data: DealWebhookData,
  previous: Readonly<Record<string, unknown>> | null | undefined,
): DealTransition | null {
  if (previous === null || previous === undefined) return null;
  const oldStage = previous.stage_id;
  const stage =
    typeof oldStage === 'number' && oldStage !== data.stage_id ? { from: oldStage, to: data.stage_id } : null;
  const oldPipeline = previous.pipeline_id;
  const pipeline =
    stage !== null && typeof oldPipeline === 'number' && oldPipeline !== data.pipeline_id
      ? { from: oldPipeline, to: data.pipeline_id }
      : null;
  const oldStatus = previous.status;
  let status: DealTransition['status'] = null;
  if (typeof oldStatus === 'string' && oldStatus !== data.status && (data.status === 'won' || data.status === 'lost')) {
    status = { from: oldStatus, to: data.status };
  }
  if (stage === null && status === null) return null;
  return { dealId: data.id, stage, pipeline, status };
}
