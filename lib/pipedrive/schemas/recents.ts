import { z } from 'zod';

/** One entry of GET /v1/recents: `data` is the full v1 object (custom fields at the root). */
export const recentItemSchema = z.object({
  item: z.string(),
  id: z.union([z.number().int(), z.string()]),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type RecentItem = z.infer<typeof recentItemSchema>;
