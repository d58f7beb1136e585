import 'server-only';
import { z } from 'zod';
import { syncRecordsJob } from '../engine/jobs';
import { AppError, notFound } from '../errors';
import { jobSender } from '../jobs/runtime';
import { logger } from '../log';
import type { PanelRecordQuery } from './panel-api-schemas';
import { resolvePanelPerson } from './resolve-panel-person';
import type { PanelContext } from './verify-panel-token';

/**
 * "Sync now" from the panel: the same job the sync uses for single records, for the person shown
 * (a deal's contact is its person). The job id comes back so the panel can follow it.
 */
export async function requestPanelSync(panel: PanelContext, q: PanelRecordQuery): Promise<{ jobIds: string[] }> {
  const { personId } = await resolvePanelPerson(panel.companyId, q);
  if (personId === null) throw new AppError('no_person', 'This deal has no contact person, so there is nothing to sync to Brevo.', 409);
  const jobId = await (await jobSender()).enqueue(syncRecordsJob, { companyId: panel.companyId, object: 'person', ids: [String(personId)] });
  if (!jobId) throw new AppError('sync_not_queued', 'The sync could not be queued. Try again in a moment.', 503);
  logger().info({ companyId: panel.companyId, pipedriveUserId: panel.pipedriveUserId, personId, jobId }, 'panel sync requested');
  return { jobIds: [jobId] };
}

const jobDataSchema = z.object({ companyId: z.string() }).passthrough();
export type PanelSyncState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/**
 * The state of a sync job the panel started. A job of another company answers "not found", the
 * same as a job that does not exist, so that ids cannot be probed.
 */
export async function panelSyncState(panel: PanelContext, jobId: string): Promise<{ state: PanelSyncState }> {
  const job = await (await jobSender()).raw.getJobById(syncRecordsJob.name, jobId, { includeArchive: true }).catch(() => null);
  const data = jobDataSchema.safeParse(job?.data);
  if (!job || !data.success || data.data.companyId !== panel.companyId) throw notFound('This sync');
  return { state: job.state };
}
