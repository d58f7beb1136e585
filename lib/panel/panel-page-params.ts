import { z } from 'zod';
import { panelResourceSchema, type PanelResource } from './panel-api-schemas';

/**
 * The iframe URL's query as Pipedrive builds it (`id`, `resource`, `selectedIds`, `theme`, and
 * `token`/`companyId`/`userId`, which only the token check reads). Anything malformed becomes
 * null, so that the page can still initialize the SDK and explain instead of failing.
 */
export interface PanelPageParams {
  identifier: string | null;
  target: { resource: PanelResource; id: number } | null;
  theme: 'light' | 'dark';
  token: string | null;
  companyId: string | null;
  userId: string | null;
}

const single = (v: string | string[] | undefined): string | null => (typeof v === 'string' && v !== '' ? v : Array.isArray(v) ? (v[0] ?? null) : null);
const identifierSchema = z.string().max(200).regex(/^[\w-]+$/);

export function parsePanelPageParams(sp: Record<string, string | string[] | undefined>): PanelPageParams {
  const resource = panelResourceSchema.safeParse(single(sp.resource));
  // Panels live in detail views, so selectedIds names one record (lists would use several).
  const firstId = single(sp.selectedIds)?.split(',')[0];
  const id = z.coerce.number().int().positive().max(2 ** 31 - 1).safeParse(firstId);
  const identifier = identifierSchema.safeParse(single(sp.id));
  return {
    identifier: identifier.success ? identifier.data : null,
    target: resource.success && id.success ? { resource: resource.data, id: id.data } : null,
    theme: single(sp.theme) === 'dark' ? 'dark' : 'light',
    token: single(sp.token),
    companyId: single(sp.companyId),
    userId: single(sp.userId),
  };
}
