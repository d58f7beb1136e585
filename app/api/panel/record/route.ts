import { NextResponse } from 'next/server';
import { withPanel } from '@/lib/http/with-panel';
import { panelRecordQuerySchema } from '@/lib/panel/panel-api-schemas';
import { loadPanelRecordView } from '@/lib/panel/panel-record-view';

export const dynamic = 'force-dynamic';

/** GET /api/panel/record?resource=person&id=12: what the panel shows for the record. */
export const GET = withPanel(async (req, panel) => {
  const q = panelRecordQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return NextResponse.json({ record: await loadPanelRecordView(panel, q) }, { headers: { 'cache-control': 'no-store' } });
});
