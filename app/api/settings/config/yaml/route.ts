import { NextResponse } from 'next/server';
import { z } from 'zod';
import { applyConfigImport, configContext, exportCompanyConfig, MAX_CONFIG_YAML_BYTES, previewConfigImport } from '@/lib/admin/config-yaml';
import { prisma } from '@/lib/db/prisma';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ yaml: z.string().max(MAX_CONFIG_YAML_BYTES, 'is larger than a configuration can be') }).strict();

/** Download the configuration as YAML. */
export const GET = withAdmin(async (_req, admin) => {
  const text = await exportCompanyConfig(prisma(), admin.companyId);
  return new NextResponse(text, { headers: { 'content-type': 'application/yaml; charset=utf-8', 'content-disposition': 'attachment; filename="pipebridge-config.yaml"', 'cache-control': 'no-store' } });
});

/** Preview an import: errors by line, or the changes it would make. Saves nothing. */
export const POST = withAdmin(async (req, admin) => {
  const { yaml } = bodySchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await previewConfigImport(prisma(), admin.companyId, yaml, await configContext(admin.companyId)));
});

/** Apply an import after the admin confirmed its preview. */
export const PUT = withAdmin(async (req, admin) => {
  const { yaml } = bodySchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await applyConfigImport(prisma(), admin.companyId, yaml));
});
