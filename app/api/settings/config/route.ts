import { NextResponse } from 'next/server';
import { z } from 'zod';
import { applyConfigChange, configPatchSchema, loadConfigForEditing, previewConfigChange } from '@/lib/admin/config-change';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ patch: configPatchSchema, baseVersion: z.string().min(1).max(64).optional() }).strict();

export const GET = withAdmin(async (_req, admin) => NextResponse.json(await loadConfigForEditing(admin.companyId)));

/** Preview: what the change would do; nothing is saved. */
export const POST = withAdmin(async (req, admin) => {
  const { patch, baseVersion } = bodySchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await previewConfigChange(admin.companyId, patch, baseVersion));
});

/** Apply, after the admin confirmed the preview. */
export const PUT = withAdmin(async (req, admin) => {
  const { patch, baseVersion } = bodySchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await applyConfigChange(admin.companyId, patch, baseVersion));
});
