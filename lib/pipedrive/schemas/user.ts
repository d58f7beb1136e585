import { z } from 'zod';

/** GET /v1/users/me: identify an install by (company_id, id), never by email. */
export const currentUserSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  company_id: z.number().int(),
  company_name: z.string().nullish(),
  company_domain: z.string(),
  locale: z.string().nullish(),
  timezone_name: z.string().nullish(),
  is_admin: z.union([z.boolean(), z.number()]).nullish(),
  access: z.array(z.object({ app: z.string(), admin: z.boolean() }).loose()).nullish(),
});
export type CurrentUser = z.infer<typeof currentUserSchema>;
