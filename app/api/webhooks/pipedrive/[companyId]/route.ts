import { NextResponse, type NextRequest } from 'next/server';
import { route } from '@/lib/http/route';
import { ingestPipedriveWebhook } from '@/lib/webhooks/ingest-pipedrive-webhook';

export const dynamic = 'force-dynamic';

/**
 * Pipedrive webhook deliveries for one company (Basic auth with that company's credentials).
 * Pipedrive waits 10 s for a 2xx, so the handler only stores the event and its job.
 */
export const POST = route(async (req: NextRequest, ctx: { params: Promise<{ companyId: string }> }) => {
  const { companyId } = await ctx.params;
  const out = await ingestPipedriveWebhook({
    companyId,
    path: req.nextUrl.pathname,
    authorization: req.headers.get('authorization'),
    contentLength: req.headers.get('content-length'),
    body: req.body,
  });
  // no-transform: Next would otherwise gzip these few bytes, which costs more CPU than the ingest itself.
  return NextResponse.json(out.body, { status: out.status, headers: { 'cache-control': 'no-store, no-transform' } });
});
