import { z } from 'zod';

/**
 * What the session cookie (a next-auth JWT, encrypted with NEXTAUTH_SECRET) says about the admin.
 * No Pipedrive token ever goes into it: tokens stay encrypted in the database.
 */
export const sessionClaimsSchema = z.object({
  companyId: z.uuid(),
  installationId: z.uuid(),
  pipedriveCompanyId: z.number().int(),
  pipedriveUserId: z.number().int(),
  isAdmin: z.boolean(),
  authMode: z.enum(['oauth', 'api_token']),
  name: z.string().nullish(),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;
