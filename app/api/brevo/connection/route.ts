import { NextResponse } from 'next/server';
import { z } from 'zod';
import { connectBrevo, disconnectBrevo, getBrevoConnection } from '@/lib/accounts/brevo-connection';
import { startSyncAfterConnect } from '@/lib/engine/start-after-connect';
import { withAdmin } from '@/lib/http/with-admin';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ apiKey: z.string().min(1, 'is required: paste your Brevo API key') });

export const GET = withAdmin(async (_req, admin) => NextResponse.json({ connection: await getBrevoConnection(admin.companyId) }));

export const PUT = withAdmin(async (req, admin) => {
  const { apiKey } = bodySchema.parse(await req.json().catch(() => ({})));
  const connection = await connectBrevo(admin.companyId, apiKey);
  return NextResponse.json({ connection, ...(await startSyncAfterConnect(admin.companyId)) });
});

export const DELETE = withAdmin(async (_req, admin) => {
  await disconnectBrevo(admin.companyId);
  return NextResponse.json({ connection: { connected: false } });
});
