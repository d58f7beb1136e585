import { decode } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { prisma } from '../db/prisma';
import { env } from '../env';
import { sessionClaimsSchema, type SessionClaims } from './claims';

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export type PageSession =
  | { kind: 'anonymous' }
  | { kind: 'removed' }
  | { kind: 'not_admin'; name: string | null | undefined; companyName: string }
  | { kind: 'admin'; claims: SessionClaims; companyName: string };

/** The session as a server component sees it, checked against the database like API routes do. */
export async function getPageSession(): Promise<PageSession> {
  const store = await cookies();
  const raw = COOKIE_NAMES.map((n) => store.get(n)?.value).find(Boolean);
  const secret = env().NEXTAUTH_SECRET;
  if (!raw || !secret) return { kind: 'anonymous' };
  const decoded = await decode({ token: raw, secret }).catch(() => null);
  const parsed = sessionClaimsSchema.safeParse(decoded);
  if (!parsed.success) return { kind: 'anonymous' };
  const claims = parsed.data;
  const inst = await prisma().installation.findFirst({
    where: { id: claims.installationId, companyId: claims.companyId },
    select: { isAdmin: true, company: { select: { name: true } } },
  });
  if (!inst) return { kind: 'removed' };
  if (!inst.isAdmin) return { kind: 'not_admin', name: claims.name, companyName: inst.company.name };
  return { kind: 'admin', claims, companyName: inst.company.name };
}
