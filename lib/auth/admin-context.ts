import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { prisma } from '../db/prisma';
import { env } from '../env';
import { AppError, forbidden, unauthorized } from '../errors';
import { sessionClaimsSchema, type SessionClaims } from './claims';

export interface AdminContext extends SessionClaims {
  companyName: string;
}

/**
 * Reads the session from the request's cookie and checks it against the database: the
 * installation must still exist (an uninstall ends every session of the company at once).
 * Every tenant-scoped query then uses `companyId` from here, never from the URL or body.
 */
export async function sessionFromRequest(req: NextRequest): Promise<SessionClaims | null> {
  const secret = env().NEXTAUTH_SECRET;
  if (!secret) throw new AppError('misconfigured', 'NEXTAUTH_SECRET is not set.', 500);
  const token = await getToken({ req, secret });
  const parsed = sessionClaimsSchema.safeParse(token);
  return parsed.success ? parsed.data : null;
}

export async function requireAdmin(req: NextRequest): Promise<AdminContext> {
  const claims = await sessionFromRequest(req);
  if (!claims) throw unauthorized();
  const installation = await prisma().installation.findFirst({
    where: { id: claims.installationId, companyId: claims.companyId },
    select: { isAdmin: true, company: { select: { name: true } } },
  });
  if (!installation) throw unauthorized('Your Pipebridge installation was removed. Install the app again from the Pipedrive Marketplace.');
  if (!installation.isAdmin) throw forbidden('Only admins of your Pipedrive company can manage Pipebridge. Ask an admin to open the app.');
  return { ...claims, isAdmin: true, companyName: installation.company.name };
}
