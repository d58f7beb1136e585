import { NextResponse } from 'next/server';
import { withPanel } from '@/lib/http/with-panel';
import { changePanelListMembership } from '@/lib/panel/change-panel-list-membership';
import { panelListChangeSchema } from '@/lib/panel/panel-api-schemas';

export const dynamic = 'force-dynamic';

/** POST /api/panel/lists {resource, id, listId, action: add|remove}: after the user confirmed it in the panel. */
export const POST = withPanel(async (req, panel) => {
  const change = panelListChangeSchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json({ change: await changePanelListMembership(panel, change) });
});
