import { z } from 'zod';
import { prisma } from '../db/prisma';
import { defineJob } from './define-job';

/**
 * Retention: processed webhook deliveries and refused requests are evidence for a while, then
 * noise. Failed ones stay until an admin has seen them (they are part of "errors needing attention").
 */
export const purgeOldRecords = defineJob({
  name: 'maintenance.purge',
  schema: z.object({ olderThanDays: z.number().int().min(1).max(365).default(30) }),
  retry: { limit: 3, delaySeconds: 60 },
  handler: async ({ olderThanDays }) => {
    const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
    const db = prisma();
    await db.webhookEvent.deleteMany({ where: { receivedAt: { lt: cutoff }, status: { in: ['processed', 'ignored'] } } });
    await db.webhookRejection.deleteMany({ where: { createdAt: { lt: cutoff } } });
    await db.outboundEvent.deleteMany({ where: { sentAt: { lt: cutoff }, status: 'sent' } });
  },
});
