import { NextResponse } from 'next/server';
import { createAttributeInputSchema, createBrevoAttribute } from '@/lib/admin/create-brevo-attribute';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

export const POST = withAdmin(async (req, admin) => {
  const input = createAttributeInputSchema.parse(await req.json().catch(() => ({})));
  return NextResponse.json({ attribute: await createBrevoAttribute(admin.companyId, input) }, { status: 201 });
});
