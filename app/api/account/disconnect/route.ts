import { NextResponse } from 'next/server';
import { disconnectCompany } from '@/lib/accounts/disconnect-company';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

export const POST = withAdmin(async (_req, admin) => NextResponse.json(await disconnectCompany(admin.companyId)));
