import type { NextRequest } from 'next/server';
import { requireAdmin, type AdminContext } from '../auth/admin-context';
import { route } from './route';

/**
 * Route wrapper for everything an admin does in the app: authenticates the session, scopes the
 * handler to the admin's company, and maps errors to JSON. Handlers receive `admin.companyId`
 * and must use it for every query.
 */
export function withAdmin<P>(
  handler: (req: NextRequest, admin: AdminContext, ctx: { params: Promise<P> }) => Promise<Response>,
): (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response> {
  return route(async (req: NextRequest, ctx: { params: Promise<P> }) => {
    const admin = await requireAdmin(req);
    return handler(req, admin, ctx);
  });
}
