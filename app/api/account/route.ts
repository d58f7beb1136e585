import { NextResponse } from 'next/server';
import { exportCompanyData } from '@/lib/accounts/export-company';
import { disconnectCompany } from '@/lib/accounts/disconnect-company';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

/** GDPR: everything stored about the admin's company. */
export const GET = withAdmin(async (_req, admin) =>
  NextResponse.json(await exportCompanyData(admin.companyId), {
    headers: { 'content-disposition': 'attachment; filename="pipebridge-export.json"', 'cache-control': 'no-store' },
  }),
);

/** GDPR: delete everything (same as disconnecting). */
export const DELETE = withAdmin(async (_req, admin) => NextResponse.json(await disconnectCompany(admin.companyId)));
