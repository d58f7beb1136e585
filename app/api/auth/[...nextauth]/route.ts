import NextAuth from 'next-auth';
import { NextResponse, type NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/options';
import { handleUninstall } from '@/lib/auth/uninstall-request';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// Options are built per request so that configuration is read at run time, not at build time.
type NextAuthArgs = [NextRequest, { params: Promise<{ nextauth: string[] }> }];
const handler = (...args: NextAuthArgs): Promise<Response> => (NextAuth(authOptions()) as (...a: NextAuthArgs) => Promise<Response>)(...args);
export { handler as GET, handler as POST };

/** Pipedrive sends the uninstall to the app's single callback URL, which is this route. */
export const DELETE = route(async (req: NextRequest) => {
  const body: unknown = await req.json().catch(() => null);
  return NextResponse.json({ ok: true, ...(await handleUninstall(req.headers.get('authorization'), body)) });
});
