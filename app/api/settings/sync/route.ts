import { NextResponse } from 'next/server';
import { issueFilterSchema, loadSyncDashboard, runSyncAction, syncActionSchema } from '@/lib/admin/sync-dashboard';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

/** Runs with live progress and the filtered record issues (the dashboard polls this). */
export const GET = withAdmin(async (req, admin) => {
  const filter = issueFilterSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return NextResponse.json(await loadSyncDashboard(admin.companyId, filter), { headers: { 'cache-control': 'no-store' } });
});

/** Sync now, full resync, retry one record, retry all. */
export const POST = withAdmin(async (req, admin) => {
  const action = syncActionSchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await runSyncAction(admin.companyId, action), { status: 202 });
});
