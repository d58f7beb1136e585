import 'server-only';
import { z } from 'zod';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { requireBrevo } from './load-mapping-catalog';
import { invalidateBrevoCatalog } from './brevo-catalog-cache';
import { withVendorErrors } from './vendor-error';

export const createListInputSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    folderId: z.number().int().positive().optional(),
    newFolderName: z.string().trim().min(1).max(100).optional(),
  })
  .refine((v) => (v.folderId === undefined) !== (v.newFolderName === undefined), { message: 'pick a folder or name a new one', path: ['folderId'] });
export type CreateListInput = z.input<typeof createListInputSchema>;

/** Creates a Brevo list (Brevo requires a folder), in an existing folder or a new one. */
export async function createBrevoList(companyId: string, raw: CreateListInput): Promise<{ list: { id: number; name: string; folderId: number }; folder?: { id: number; name: string } }> {
  const input = createListInputSchema.parse(raw);
  const brevo = requireBrevo(await brevoClientForCompany(companyId));
  return withVendorErrors(`create the list "${input.name}"`, async () => {
    let folder: { id: number; name: string } | undefined;
    let folderId = input.folderId;
    if (input.newFolderName !== undefined) {
      folder = { id: await brevo.createFolder(input.newFolderName), name: input.newFolderName };
      folderId = folder.id;
    }
    const id = await brevo.createList(input.name, folderId!);
    invalidateBrevoCatalog(companyId);
    return { list: { id, name: input.name, folderId: folderId! }, ...(folder ? { folder } : {}) };
  });
}
