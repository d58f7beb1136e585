import { z } from 'zod';

/** An activity as API v2 returns it. `person_id` is the primary participant (read-only). */
export const activitySchema = z.object({
  id: z.number().int(),
  subject: z.string(),
  type: z.string(),
  owner_id: z.number().int().nullish(),
  creator_user_id: z.number().int().nullish(),
  is_deleted: z.boolean().default(false),
  add_time: z.string(),
  update_time: z.string().nullish(),
  deal_id: z.number().int().nullish(),
  lead_id: z.string().nullish(),
  person_id: z.number().int().nullish(),
  org_id: z.number().int().nullish(),
  due_date: z.string().nullish(),
  due_time: z.string().nullish(),
  duration: z.string().nullish(),
  busy: z.boolean().nullish(),
  done: z.boolean(),
  marked_as_done_time: z.string().nullish(),
  participants: z.array(z.object({ person_id: z.number().int(), primary: z.boolean().nullish() })).nullish(),
  public_description: z.string().nullish(),
  priority: z.number().int().nullish(),
  note: z.string().nullish(),
});
export type Activity = z.infer<typeof activitySchema>;

/** The body of POST /api/v2/activities; link the person through participants. */
export const activityCreateSchema = z
  .object({
    subject: z.string().min(1),
    type: z.string().optional(),
    owner_id: z.number().int().optional(),
    deal_id: z.number().int().optional(),
    lead_id: z.string().optional(),
    org_id: z.number().int().optional(),
    due_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    due_time: z.string().regex(/^\d{2}:\d{2}$/).optional(),
    duration: z.string().regex(/^\d{2}:\d{2}$/).optional(),
    done: z.boolean().optional(),
    participants: z.array(z.object({ person_id: z.number().int(), primary: z.boolean() })).optional(),
    note: z.string().optional(),
    public_description: z.string().optional(),
  })
  .strict();
export type ActivityCreate = z.infer<typeof activityCreateSchema>;
