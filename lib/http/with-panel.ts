import type { NextRequest } from 'next/server';
import { logger } from '../log';
import { PanelAuthError, verifyPanelToken, type PanelContext } from '../panel/verify-panel-token';
import { route } from './route';

/** `Authorization: Bearer <token from the SDK's get_signed_token>`; no cookies inside Pipedrive's iframe. */
export function bearerToken(req: Request): string | null {
  const header = req.headers.get('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1] ?? null;
}

/**
 * Route wrapper for the panel's API: verifies the Pipedrive-signed token of every call, scopes
 * the handler to the token's company and maps errors to JSON. Handlers receive
 * `panel.companyId` and must use it for every query; ids in the request only name records
 * inside that company.
 */
export function withPanel<P>(
  handler: (req: NextRequest, panel: PanelContext, ctx: { params: Promise<P> }) => Promise<Response>,
): (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response> {
  return route(async (req: NextRequest, ctx: { params: Promise<P> }) => {
    let panel: PanelContext;
    try {
      panel = await verifyPanelToken(bearerToken(req));
    } catch (err) {
      // Refused tokens are worth seeing in the logs (a wrong client secret shows up here first); the token itself is never logged.
      if (err instanceof PanelAuthError) logger().warn({ path: req.nextUrl.pathname, reason: err.reason }, 'panel token refused');
      throw err;
    }
    return handler(req, panel, ctx);
  });
}
