import { z } from 'zod';
import type { Router, SandboxRequest } from '../shared/http';
import type { BrevoControl } from './brevo-control';

const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]), times: z.number().int().positive().optional(), method: z.string().optional(), pathPrefix: z.string().optional() }),
  z.object({ kind: z.literal('timeout'), times: z.number().int().positive().optional(), method: z.string().optional(), pathPrefix: z.string().optional() }),
  z.object({ kind: z.literal('rate-limit-storm'), times: z.number().int().positive().optional(), method: z.string().optional(), pathPrefix: z.string().optional(), resetSeconds: z.number().int().positive().optional() }),
  z.object({ kind: z.literal('reject-record'), match: z.string().min(1), times: z.number().int().positive().optional(), reason: z.enum(['invalid_phone', 'blocklisted', 'invalid_email', 'duplicate_sms']) }),
]);

const actionSchema = z.object({ listId: z.number().int().optional(), campaignId: z.number().int().optional(), attributes: z.record(z.string(), z.unknown()).optional() }).optional();

function bad(message: string) {
  return { status: 400, body: { error: message } };
}

/**
 * HTTP face of the control API, for the CLI sandbox and browser tests. Every route is under /_control/ so it
 * can never be mistaken for Brevo's; accounts are addressed by their API key.
 */
export function registerControlRoutes(router: Router, control: BrevoControl): void {
  const guard = (fn: (req: SandboxRequest) => { status: number; body?: unknown }) => (req: SandboxRequest) => {
    try {
      return fn(req);
    } catch (e) {
      return bad(e instanceof Error ? e.message : String(e));
    }
  };

  router.add('POST', '/_control/accounts', guard((req) => {
    const body = z.object({ email: z.string().optional(), companyName: z.string().optional() }).safeParse(req.body ?? {});
    if (!body.success) return bad('email and companyName must be strings');
    return { status: 201, body: control.createAccount(body.data) };
  }));
  router.add('GET', '/_control/accounts', guard(() => ({ status: 200, body: { accounts: control.accounts() } })));
  router.add('GET', '/_control/accounts/:key/state', guard((req) => ({ status: 200, body: control.state(req.params.key ?? '') })));
  router.add('POST', '/_control/accounts/:key/contacts/:identifier/:action', guard((req) => {
    const key = req.params.key ?? '';
    const id = req.params.identifier ?? '';
    const body = actionSchema.safeParse(req.body);
    if (!body.success) return bad('invalid action body');
    const opts = body.data ?? {};
    switch (req.params.action) {
      case 'unsubscribe':
        control.unsubscribe(key, id, opts.campaignId);
        break;
      case 'blocklist':
        control.blocklist(key, id);
        break;
      case 'hard-bounce':
        control.hardBounce(key, id, opts.campaignId);
        break;
      case 'spam':
        control.spamComplaint(key, id, opts.campaignId);
        break;
      case 'delete':
        control.deleteContact(key, id);
        break;
      case 'add-to-list':
        if (opts.listId === undefined) return bad('listId is required');
        control.addToList(key, id, opts.listId);
        break;
      case 'edit':
        control.editContact(key, id, opts.attributes ?? {});
        break;
      default:
        return bad(`unknown action ${req.params.action ?? ''}`);
    }
    return { status: 204 };
  }));
  router.add('POST', '/_control/accounts/:key/faults', guard((req) => {
    const fault = faultSchema.safeParse(req.body);
    if (!fault.success) return bad(fault.error.issues[0]?.message ?? 'invalid fault');
    control.injectFault(req.params.key ?? '', fault.data);
    return { status: 204 };
  }));
  router.add('DELETE', '/_control/accounts/:key/faults', guard((req) => {
    control.clearFaults(req.params.key ?? '');
    return { status: 204 };
  }));
  router.add('POST', '/_control/accounts/:key/webhooks/flush', guard((req) => {
    control.flushWebhookBatches(req.params.key ?? '');
    return { status: 204 };
  }));
  router.add('POST', '/_control/rate-limits', guard((req) => {
    const mode = z.object({ mode: z.enum(['off', 'real', 'tight']) }).safeParse(req.body);
    if (!mode.success) return bad('mode must be off, real or tight');
    control.setRateLimits(mode.data.mode);
    return { status: 204 };
  }));
}
