import { z } from 'zod';

export const pipelineSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  order_nr: z.number().int().nullish(),
  is_selected: z.boolean().nullish(),
  is_deleted: z.boolean().default(false),
  is_deal_probability_enabled: z.boolean().nullish(),
  add_time: z.string().nullish(),
  update_time: z.string().nullish(),
});
export type Pipeline = z.infer<typeof pipelineSchema>;

export const stageSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  order_nr: z.number().int(),
  pipeline_id: z.number().int(),
  deal_probability: z.number().nullish(),
  is_deleted: z.boolean().default(false),
  is_deal_rot_enabled: z.boolean().nullish(),
  days_to_rotten: z.number().int().nullish(),
  add_time: z.string().nullish(),
  update_time: z.string().nullish(),
});
export type Stage = z.infer<typeof stageSchema>;
