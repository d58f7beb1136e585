import { z } from 'zod';
import type { ContactStatus } from './contact-status';

/**
 * The panel API's request shapes and the view it answers with. Client components import this
 * file (types and schemas only, no server code).
 */
export const panelResourceSchema = z.enum(['person', 'deal'], { message: 'must be person or deal (the panel is configured for those detail views)' });
export type PanelResource = z.infer<typeof panelResourceSchema>;

const recordId = z.coerce.number({ message: 'must be a Pipedrive record id' }).int().positive().max(2 ** 31 - 1);

export const panelRecordQuerySchema = z.object({ resource: panelResourceSchema, id: recordId });
export type PanelRecordQuery = z.infer<typeof panelRecordQuerySchema>;

export const panelSyncBodySchema = panelRecordQuerySchema.strict();

export const panelListChangeSchema = panelRecordQuerySchema
  .extend({
    listId: z.number().int().positive(),
    action: z.enum(['add', 'remove']),
  })
  .strict();
export type PanelListChange = z.infer<typeof panelListChangeSchema>;

/**
 * Why there is (or is not) a Brevo contact to show:
 *  - synced: the contact exists and is shown
 *  - no_person: a deal without a person
 *  - no_email: the person has no email address, so no Brevo contact can exist
 *  - not_synced: the person has an email but Pipebridge has not created a contact yet
 *  - contact_missing: Pipebridge created one, but it is no longer in Brevo
 *  - brevo_not_connected: the company has no Brevo account connected
 */
export type PanelRecordState = 'synced' | 'no_person' | 'no_email' | 'not_synced' | 'contact_missing' | 'brevo_not_connected';

export interface PanelList {
  id: number;
  name: string;
}

export interface PanelRecordView {
  resource: PanelResource;
  recordId: number;
  state: PanelRecordState;
  /** A sentence for the user whenever state is not `synced`. */
  explanation: string | null;
  person: { id: number; name: string | null; email: string | null } | null;
  contact: {
    id: number;
    email: string | null;
    status: ContactStatus;
    statusDetail: string;
    lists: PanelList[];
    attributes: { name: string; value: string; pipedriveField: string | null }[];
    brevoUrl: string | null;
    modifiedAt: string;
  } | null;
  /** Lists the contact could be added to. */
  availableLists: PanelList[];
  lastSyncedAt: string | null;
  issues: { object: string; severity: string; code: string; reason: string; status: string; updatedAt: string }[];
  events: { name: string; object: string; status: string; occurredAt: string; sentAt: string | null; error: string | null }[];
  canSync: boolean;
}

export interface PanelApiError {
  error: { code: string; message: string };
}
