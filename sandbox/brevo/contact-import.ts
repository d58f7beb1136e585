import { BrevoApiError, invalid, missing, outOfRange } from './api-error';
import { isValidEmail, type BrevoAccount } from './brevo-account';
import { normalizeBrevoPhone } from './phone';
import type { ImportCounters, ProcessRecord } from './types';

/** "Maximum allowed json body size is 10MB" (requestContactImport in the spec); the same holds for fileBody. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
const ROWS_PER_TICK = 500;

export interface ImportRequest {
  fileUrl?: string;
  fileBody?: string;
  jsonBody?: { email?: string; attributes?: Record<string, unknown> }[];
  listIds?: number[];
  newList?: { listName?: string; folderId?: number };
  notifyUrl?: string;
  emailBlacklist?: boolean;
  smsBlacklist?: boolean;
  updateExistingContacts?: boolean;
  emptyContactsAttributes?: boolean;
  disableNotification?: boolean;
}

type Row = { email?: string; attributes: Record<string, unknown> };

/** CSV import bodies use `;` between fields and a header row of attribute names (EMAIL for the address). */
function parseCsv(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(';').map((h) => h.trim().toUpperCase());
  return lines.map((line) => {
    const cells = line.split(';');
    const attributes: Record<string, unknown> = {};
    let email: string | undefined;
    header.forEach((h, i) => {
      const v = (cells[i] ?? '').trim();
      if (h === 'EMAIL') email = v || undefined;
      else attributes[h] = v;
    });
    return { email, attributes };
  });
}

const emptyCounters = (): ImportCounters => ({
  invalid_emails: 0,
  duplicate_contact_id: 0,
  duplicate_ext_id: 0,
  duplicate_email_id: 0,
  duplicate_phone_id: 0,
  duplicate_whatsapp_id: 0,
  duplicate_landline_number_id: 0,
});

/**
 * POST /contacts/import: validates the request, answers with a process id, and upserts the rows in the
 * background, a chunk per event-loop turn, so callers see queued → in_process → completed as with Brevo.
 * Unknown attributes are ignored; rows Brevo would refuse are counted in the process's `info.import`.
 */
export function startImport(
  account: BrevoAccount,
  req: ImportRequest,
  deps: { fetchImpl: typeof fetch; onDone: (p: ProcessRecord, notifyUrl?: string) => void },
): ProcessRecord {
  const sources = [req.fileUrl, req.fileBody, req.jsonBody].filter((s) => s !== undefined).length;
  if (sources === 0) throw missing('One of fileUrl, fileBody or jsonBody is required');
  if (sources > 1) throw invalid('Only one of fileUrl, fileBody or jsonBody can be passed');
  const size = req.fileBody !== undefined ? Buffer.byteLength(req.fileBody) : req.jsonBody ? Buffer.byteLength(JSON.stringify(req.jsonBody)) : 0;
  if (size > IMPORT_MAX_BYTES) throw outOfRange('Maximum allowed body size is 10MB, use fileUrl for bigger imports');
  let listIds = req.listIds ?? [];
  if (listIds.length === 0) {
    if (!req.newList?.listName) throw missing('listIds or newList is required');
    if (req.newList.folderId === undefined) throw missing('newList.folderId is required');
    listIds = [account.createList(req.newList.listName, req.newList.folderId).id];
  }
  for (const id of listIds) if (!account.lists.has(id)) throw invalid(`listIds: list ${id} does not exist`);

  const t = account.now();
  const process: ProcessRecord = {
    id: account.nextProcessId++,
    name: 'IMPORTUSER',
    status: 'queued',
    createdAt: t,
    importInfo: { ...emptyCounters(), created: 0, updated: 0, skipped: 0, rejected: [] },
  };
  account.processes.set(process.id, process);

  const run = async () => {
    let rows: Row[];
    if (req.jsonBody) rows = req.jsonBody.map((r) => ({ email: r.email, attributes: r.attributes ?? {} }));
    else if (req.fileBody !== undefined) rows = parseCsv(req.fileBody);
    else {
      const res = await deps.fetchImpl(req.fileUrl ?? '');
      const text = await res.text();
      rows = text.trim().startsWith('[') ? (JSON.parse(text) as Row[]) : parseCsv(text);
    }
    process.status = 'in_process';
    const seen = { email: new Set<string>(), sms: new Set<string>(), ext: new Set<string>() };
    for (let i = 0; i < rows.length; i += ROWS_PER_TICK) {
      for (let j = i; j < Math.min(rows.length, i + ROWS_PER_TICK); j++) importRow(account, req, listIds, rows[j] ?? { attributes: {} }, j, seen, process);
      await new Promise<void>((r) => setImmediate(r));
    }
    process.status = 'completed';
    process.completedAt = account.now();
  };
  setImmediate(() => {
    run()
      .catch((err: unknown) => {
        process.status = 'failed';
        process.error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => deps.onDone(process, req.notifyUrl));
  });
  return process;
}

function importRow(
  account: BrevoAccount,
  req: ImportRequest,
  listIds: number[],
  row: Row,
  index: number,
  seen: { email: Set<string>; sms: Set<string>; ext: Set<string> },
  process: ProcessRecord,
): void {
  const info = process.importInfo;
  if (!info) return;
  const reject = (reason: string, counter?: keyof ImportCounters) => {
    if (counter) info[counter] += 1;
    info.rejected.push({ row: index, reason });
  };
  const email = row.email?.trim().toLowerCase() || undefined;
  const attrs = { ...row.attributes };
  const extId = typeof attrs.EXT_ID === 'string' && attrs.EXT_ID !== '' ? attrs.EXT_ID : undefined;
  const smsRaw = typeof attrs.SMS === 'string' || typeof attrs.SMS === 'number' ? String(attrs.SMS) || undefined : undefined;
  if (email !== undefined && !isValidEmail(email)) return reject('invalid_email', 'invalid_emails');
  const sms = smsRaw !== undefined ? normalizeBrevoPhone(smsRaw) : undefined;
  if (smsRaw !== undefined && !sms) return reject('invalid_phone');
  if (!email && !sms && !extId) return reject('missing_identifier');
  if (email && seen.email.has(email)) return reject('duplicate_email_in_file', 'duplicate_email_id');
  if (extId && seen.ext.has(extId)) return reject('duplicate_ext_id_in_file', 'duplicate_ext_id');
  if (sms && seen.sms.has(sms)) return reject('duplicate_phone_in_file', 'duplicate_phone_id');
  if (email) seen.email.add(email);
  if (extId) seen.ext.add(extId);
  if (sms) seen.sms.add(sms);

  if (!req.emptyContactsAttributes) for (const [k, v] of Object.entries(attrs)) if (v === '' || v === null) delete attrs[k];
  const existing = email ? account.findByEmail(email) : extId ? account.findByExtId(extId) : sms ? account.findBySms(sms) : undefined;
  if (existing && req.updateExistingContacts === false) {
    info.skipped += 1;
    return;
  }
  const write = {
    email,
    attributes: attrs,
    listIds,
    ...(req.emailBlacklist ? { emailBlacklisted: true } : {}),
    ...(req.smsBlacklist ? { smsBlacklisted: true } : {}),
  };
  try {
    if (existing) {
      account.updateContact(existing, { ...write, attributes: { ...attrs, ...(email ? { EMAIL: email } : {}) } });
      info.updated += 1;
    } else {
      account.createContact(write, false);
      info.created += 1;
    }
  } catch (err) {
    if (!(err instanceof BrevoApiError)) throw err;
    const dup = (err.metadata?.duplicate_identifiers as string[] | undefined) ?? [];
    if (dup.includes('SMS')) reject('duplicate_phone', 'duplicate_phone_id');
    else if (dup.includes('EXT_ID')) reject('duplicate_ext_id', 'duplicate_ext_id');
    else if (dup.includes('email')) reject('duplicate_email', 'duplicate_email_id');
    else reject(err.message);
  }
}

/** GET /processes/{id} body: the 2024 spec's fields plus the newer `info.import` counters. */
export function processView(p: ProcessRecord): Record<string, unknown> {
  const { importInfo } = p;
  return {
    id: p.id,
    status: p.status,
    name: p.name,
    created_at: new Date(p.createdAt).toISOString(),
    ...(p.completedAt ? { completed_at: new Date(p.completedAt).toISOString() } : {}),
    ...(p.error ? { error: p.error } : {}),
    ...(importInfo
      ? {
          info: {
            import: {
              invalid_emails: importInfo.invalid_emails,
              duplicate_contact_id: importInfo.duplicate_contact_id,
              duplicate_ext_id: importInfo.duplicate_ext_id,
              duplicate_email_id: importInfo.duplicate_email_id,
              duplicate_phone_id: importInfo.duplicate_phone_id,
              duplicate_whatsapp_id: importInfo.duplicate_whatsapp_id,
              duplicate_landline_number_id: importInfo.duplicate_landline_number_id,
            },
          },
        }
      : {}),
  };
}
