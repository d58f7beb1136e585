import 'server-only';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { pipedriveForCompany } from '../engine/pipedrive-access';
import type { Pipeline, Stage } from '../pipedrive';
import { requireBrevo } from './load-mapping-catalog';
import { cachedBrevoRead } from './brevo-catalog-cache';
import { withVendorErrors } from './vendor-error';

export interface PipelineWithStages {
  id: number;
  name: string;
  stages: { id: number; name: string }[];
}

export interface ListCatalog {
  lists: { id: number; name: string; folderId: number | null }[];
  folders: { id: number; name: string }[];
}

/** Brevo lists and folders, for every list picker. */
export async function loadListCatalog(companyId: string): Promise<ListCatalog> {
  const brevo = requireBrevo(await brevoClientForCompany(companyId));
  const [lists, folders] = await withVendorErrors('read your Brevo lists', () => Promise.all([cachedBrevoRead(companyId, 'lists', () => brevo.getLists()), cachedBrevoRead(companyId, 'folders', () => brevo.getFolders())]));
  return {
    lists: lists.map((l) => ({ id: l.id, name: l.name, folderId: l.folderId ?? null })).sort((a, b) => a.name.localeCompare(b.name)),
    folders: folders.map((f) => ({ id: f.id, name: f.name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Every active pipeline with its stages in Pipedrive's order (the order deals move through). */
export async function loadPipelines(companyId: string): Promise<PipelineWithStages[]> {
  return withVendorErrors('read your Pipedrive pipelines', async () => {
    const pipedrive = await pipedriveForCompany(companyId);
    const pipelines: Pipeline[] = [];
    for await (const p of pipedrive.pipelines()) if (!p.is_deleted) pipelines.push(p);
    const stages: Stage[] = [];
    for await (const s of pipedrive.stages()) if (!s.is_deleted) stages.push(s);
    return pipelines
      .sort((a, b) => (a.order_nr ?? 0) - (b.order_nr ?? 0) || a.id - b.id)
      .map((p) => ({
        id: p.id,
        name: p.name,
        stages: stages
          .filter((s) => s.pipeline_id === p.id)
          .sort((a, b) => a.order_nr - b.order_nr || a.id - b.id)
          .map((s) => ({ id: s.id, name: s.name })),
      }));
  });
}
