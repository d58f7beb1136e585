import { z } from 'zod';
import { tokenService } from '../engine/pipedrive-access';
import { defineJob } from './define-job';

/** Pipedrive refresh tokens die after 60 days unused: refresh anything idle for a week. */
export const refreshIdleInstallations = defineJob({
  name: 'auth.refresh-idle',
  schema: z.object({ olderThanDays: z.number().int().min(1).max(50).default(7) }),
  retry: { limit: 3, delaySeconds: 300 },
  handler: async ({ olderThanDays }) => {
    await tokenService().refreshIdle(olderThanDays);
  },
});
