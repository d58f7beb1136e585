import { basicAuthMatches } from '../http/basic-auth';
import { childLogger } from '../log';
import { parseWebhookBody } from './parse-webhook-body';
import { recordWebhookRejection } from './record-webhook-rejection';
import { storeWebhookEvent } from './store-webhook-event';
import { forgetIngestIdentity, ingestIdentity } from './webhook-credentials';

const log = childLogger({ part: 'webhook-ingest' });

/** Pipedrive's bodies are a few KB; anything near this is not a Pipedrive delivery. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IngestRequest {
  /** The `[companyId]` segment of the URL, unvalidated. */
  companyId: string;
  path: string;
  authorization: string | null;
  contentLength: string | null;
  body: ReadableStream<Uint8Array> | null;
}

export interface IngestResponse {
  status: number;
  body: { received: true; duplicate: boolean; ignored: boolean } | { error: { code: string; message: string; field?: string } };
}

const UNAUTHORIZED =
  'Missing or wrong HTTP Basic credentials for this webhook URL. Pipedrive sends the credentials Pipebridge registered with the webhook; if this persists, reconnect Pipedrive in the app settings so the webhooks are registered again.';

// Pipedrive retries after 3, 30 and 150 s, so a short database outage loses nothing.
const UNAVAILABLE = 'The event could not be stored right now. Pipedrive retries the delivery; nothing to do unless this persists.';

function refuse(status: number, code: string, message: string, field?: string): IngestResponse {
  return { status, body: { error: { code, message, ...(field ? { field } : {}) } } };
}

/** Reads at most `limit` bytes; a longer body is cut off (and the stream cancelled). */
async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<{ text: string; bytes: number; tooLarge: boolean }> {
  if (!stream) return { text: '', bytes: 0, tooLarge: false };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limit) {
        await reader.cancel().catch(() => undefined);
        chunks.push(value.subarray(0, Math.max(0, value.byteLength - (bytes - limit))));
        return { text: Buffer.concat(chunks).toString('utf8'), bytes, tooLarge: true };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes, tooLarge: false };
}

/**
 * A Pipedrive webhook delivery, from request to acknowledgement: Basic auth against the
 * company's own credentials (constant time; an unknown company looks exactly like wrong
 * credentials), a 1 MiB body limit, JSON and schema checks (v2 and legacy v1), then the event
 * and its job stored in one statement. Every refusal is recorded in webhook_rejections; a
 * repeated delivery is acknowledged and ignored.
 */
export async function ingestPipedriveWebhook(req: IngestRequest): Promise<IngestResponse> {
  const validId = UUID.test(req.companyId);
  let identity: Awaited<ReturnType<typeof ingestIdentity>>;
  try {
    identity = validId ? await ingestIdentity(req.companyId.toLowerCase()) : undefined;
  } catch (err) {
    log.error({ err }, 'could not read webhook credentials');
    return refuse(503, 'unavailable', UNAVAILABLE);
  }
  const companyId = identity ? req.companyId.toLowerCase() : null;
  // Compare even when there is nothing to compare with, so timing does not reveal which companies exist.
  const authorized = basicAuthMatches(req.authorization, identity?.username ?? 'no-such-webhook-user', identity?.password ?? 'no-such-webhook-password');

  const declared = req.contentLength !== null && /^\d+$/.test(req.contentLength) ? Number(req.contentLength) : undefined;
  const declaredTooLarge = declared !== undefined && declared > MAX_WEBHOOK_BODY_BYTES;
  const body = declaredTooLarge ? { text: '', bytes: declared, tooLarge: true } : await readLimited(req.body, MAX_WEBHOOK_BODY_BYTES);

  const reject = async (status: number, code: string, reason: string, message: string, field?: string, company = companyId): Promise<IngestResponse> => {
    await recordWebhookRejection({ companyId: company, path: req.path, statusCode: status, reason, body: body.text });
    log.info({ companyId, status, code, field }, 'webhook delivery refused');
    return refuse(status, code, message, field);
  };

  if (!identity || !authorized) {
    const reason = !validId ? 'unknown company (malformed id in the URL)' : !identity ? 'unknown company or no webhook credentials' : req.authorization ? 'wrong Basic credentials' : 'no Basic credentials';
    return reject(401, 'unauthorized', reason, UNAUTHORIZED);
  }
  if (body.tooLarge) {
    const size = declaredTooLarge ? `${declared} bytes (Content-Length)` : `more than ${MAX_WEBHOOK_BODY_BYTES} bytes`;
    return reject(413, 'payload_too_large', `body of ${size}`, `The body is ${size}; webhook deliveries are limited to ${MAX_WEBHOOK_BODY_BYTES} bytes (1 MiB). Pipedrive's deliveries are a few KB: check what is sending this.`);
  }

  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch (err) {
    const detail = (err as Error).message;
    return reject(400, 'invalid_json', `invalid JSON: ${detail}`, `The body is not valid JSON (${detail}). Webhook deliveries must be a JSON object.`);
  }
  const parsed = parseWebhookBody(json);
  if (!parsed.ok) {
    return reject(400, 'invalid_webhook', `${parsed.field}: ${parsed.message}`, `Invalid webhook body: ${parsed.field} ${parsed.message}.`, parsed.field);
  }
  const event = parsed.event;
  if (event.pipedriveCompanyId !== String(identity.pipedriveCompanyId)) {
    const field = 'meta.company_id';
    return reject(
      400,
      'wrong_company',
      `${field} ${event.pipedriveCompanyId} is not this URL's Pipedrive company`,
      `Invalid webhook body: ${field} ${event.pipedriveCompanyId} is not the Pipedrive company this webhook URL belongs to. Each company has its own URL.`,
      field,
    );
  }

  try {
    const outcome = await storeWebhookEvent(companyId!, event, event.format === 'v2' ? body.text : undefined);
    if (outcome.kind === 'duplicate') log.debug({ companyId, eventId: event.eventId }, 'repeated webhook delivery ignored');
    else log.debug({ companyId, eventId: event.eventId, webhookEventId: String(outcome.webhookEventId), object: event.object, action: event.action }, 'webhook event stored');
    return { status: 200, body: { received: true, duplicate: outcome.kind === 'duplicate', ignored: !event.synced } };
  } catch (err) {
    if ((err as { code?: string }).code === '22P05') {
      // Postgres' jsonb cannot hold \u0000; no real Pipedrive record contains one.
      return reject(400, 'invalid_webhook', 'body contains \\u0000', 'Invalid webhook body: it contains a NUL character (\\u0000), which cannot be stored. Remove it from the record in Pipedrive.');
    }
    if ((err as { code?: string }).code === '23503') {
      // The company was deleted (uninstalled) after its credentials were cached.
      forgetIngestIdentity(companyId!);
      return reject(401, 'unauthorized', 'company deleted', UNAUTHORIZED, undefined, null);
    }
    log.error({ err, companyId, eventId: event.eventId }, 'could not store a webhook event');
    return refuse(503, 'unavailable', UNAVAILABLE);
  }
}
