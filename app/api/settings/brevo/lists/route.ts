import { NextResponse } from 'next/server';
import { createBrevoList, createListInputSchema } from '@/lib/admin/create-brevo-list';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

export const POST = withAdmin(async (req, admin) => {
  const input = createListInputSchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json(await createBrevoList(admin.companyId, input), { status: 201 });
});
