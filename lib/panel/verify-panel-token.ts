import 'server-only';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { prisma } from '../db/prisma';
import { env } from '../env';
import { AppError } from '../errors';

/**
 * Who is looking at the panel, as Pipedrive vouches for it. Every panel query is scoped by
 * `companyId` from here: the token is the only source of the company and the user, never the
 * URL or the body.
 */
export interface PanelContext {
  companyId: string;
  companyName: string;
  pipedriveCompanyId: number;
  pipedriveUserId: number;
}

/** Pipedrive does not document the claim names; its own docs and third-party verifiers use both spellings. */
const numericId = z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const claimsSchema = z
  .object({
    companyId: numericId.optional(),
    company_id: numericId.optional(),
    userId: numericId.optional(),
    user_id: numericId.optional(),
    exp: z.number(),
  })
  .transform((c, ctx) => {
    const companyId = c.companyId ?? c.company_id;
    const userId = c.userId ?? c.user_id;
    if (companyId === undefined || userId === undefined) {
      ctx.addIssue({ code: 'custom', message: 'the token names no Pipedrive company or user' });
      return z.NEVER;
    }
    return { pipedriveCompanyId: companyId, pipedriveUserId: userId };
  });

const RELOAD = 'Reload the page in Pipedrive to get a fresh one.';
export const panelTokenMessages = {
  missing: `Pipebridge did not receive Pipedrive's signed token, so it cannot tell who you are. Open this panel from a person or deal in Pipedrive.`,
  expired: `Your Pipedrive session token has expired. ${RELOAD}`,
  invalid: `Pipedrive's signed token was not valid (its signature does not match). ${RELOAD} If this keeps happening, the app's client secret in Pipebridge differs from the one in Pipedrive's Developer Hub.`,
  mismatch: 'The token was issued for another Pipedrive company or user than the one this page was opened for. Reload the page in Pipedrive.',
} as const;

export class PanelAuthError extends AppError {
  constructor(
    readonly reason: keyof typeof panelTokenMessages,
  ) {
    super(`panel_token_${reason}`, panelTokenMessages[reason], 401);
    this.name = 'PanelAuthError';
  }
}

function secretKey(): Uint8Array {
  // Pipedrive signs with the extension's JWT secret, or the app's client secret when none is set;
  // Pipebridge configures none, so the client secret it is. No secret means no check: refuse.
  const secret = env().PIPEDRIVE_CLIENT_SECRET;
  if (!secret) throw new AppError('misconfigured', 'PIPEDRIVE_CLIENT_SECRET is not set, so panel tokens cannot be verified.', 500);
  return new TextEncoder().encode(secret);
}

/** Signature (HS256 only: an `alg: none` or RS256 token is refused) and expiry, then the claims. */
export async function verifyPanelJwt(token: string | null | undefined): Promise<{ pipedriveCompanyId: number; pipedriveUserId: number }> {
  if (!token) throw new PanelAuthError('missing');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, secretKey(), { algorithms: ['HS256'], requiredClaims: ['exp'], clockTolerance: 5 }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new PanelAuthError('expired');
    if (err instanceof joseErrors.JOSEError) throw new PanelAuthError('invalid');
    throw err;
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new PanelAuthError('invalid');
  return claims.data;
}

/**
 * Verifies a panel token and maps Pipedrive's company id to our company. `expect` carries the
 * `companyId`/`userId` query parameters of the first load: Pipedrive's docs say to compare them
 * with the token, and a page opened for one company must not show another's data.
 */
export async function verifyPanelToken(token: string | null | undefined, expect: { companyId?: string | null; userId?: string | null } = {}): Promise<PanelContext> {
  const ids = await verifyPanelJwt(token);
  if (expect.companyId && expect.companyId !== String(ids.pipedriveCompanyId)) throw new PanelAuthError('mismatch');
  if (expect.userId && expect.userId !== String(ids.pipedriveUserId)) throw new PanelAuthError('mismatch');
  const company = await prisma().company.findUnique({ where: { pipedriveCompanyId: ids.pipedriveCompanyId }, select: { id: true, name: true } });
  if (!company) {
    throw new AppError('not_installed', 'Pipebridge is not installed for this Pipedrive company. An admin can install it from the Pipedrive Marketplace.', 403);
  }
  return { companyId: company.id, companyName: company.name, ...ids };
}
