import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withPanel } from '@/lib/http/with-panel';
import { panelSyncBodySchema } from '@/lib/panel/panel-api-schemas';
import { panelSyncState, requestPanelSync } from '@/lib/panel/request-panel-sync';

export const dynamic = 'force-dynamic';

/** POST /api/panel/sync {resource, id}: "Sync now" for the person shown. */
export const POST = withPanel(async (req, panel) => {
  const q = panelSyncBodySchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await requestPanelSync(panel, q), { status: 202 });
});

const jobQuery = z.object({ jobId: z.uuid({ message: 'must be the id returned by POST /api/panel/sync' }) });

/** GET /api/panel/sync?jobId=…: whether that sync has finished. */
export const GET = withPanel(async (req, panel) => {
  const { jobId } = jobQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  return NextResponse.json(await panelSyncState(panel, jobId), { headers: { 'cache-control': 'no-store' } });
});
