import { z } from 'zod';
import { Router, type SandboxResponse } from '../shared/http';
import { SandboxError } from './company';
import { createCompanySchema, type PipedriveControl } from './control';
import { seedDemoCompany } from './demo-company';
import { faultRuleSchema } from './faults';
import { seedOptionsSchema } from './generator';
import { registerAppSchema } from './oauth-server';

const domainBody = z.object({ domain: z.string() });
const contact = z.object({ value: z.string(), primary: z.boolean(), label: z.string() });
const personEditSchema = z
  .object({
    name: z.string().min(1),
    first_name: z.string(),
    last_name: z.string(),
    emails: z.array(contact),
    phones: z.array(contact),
    org_id: z.number().int().nullable(),
    custom_fields: z.record(z.string(), z.unknown()),
    marketing_status: z.enum(['no_consent', 'unsubscribed', 'subscribed', 'archived']),
  })
  .partial()
  .strict();
const userOpt = { userId: z.number().int().optional() };
/** When a UI change happened (epoch ms), for history in the past; now when absent. */
const atOpt = { at: z.number().int().nonnegative().optional() };

/**
 * HTTP mirror of PipedriveControl under /_control/ (sandbox-only, never part of Pipedrive's API).
 * Bodies are JSON; answers are JSON.
 */
export function controlRouter(control: PipedriveControl): Router {
  const r = new Router();
  const json = (body: unknown, status = 200): SandboxResponse => ({ status, body: body === undefined ? { ok: true } : body });
  const post = <S extends z.ZodType>(path: string, schema: S, fn: (input: z.output<S>) => unknown) =>
    r.add('POST', path, async (req) => {
      const parsed = schema.safeParse(req.body ?? {});
      if (!parsed.success) return json({ error: z.prettifyError(parsed.error) }, 400);
      return json(await fn(parsed.data));
    });

  r.add('GET', '/_control/companies', () => json(control.listCompanies()));
  post('/_control/companies', createCompanySchema, (b) => control.createCompany(b));
  post('/_control/demo', z.object({ domain: z.string().regex(/^[a-z0-9-]+$/).optional() }), (b) => seedDemoCompany(control, b));
  post('/_control/seed', domainBody.extend({ options: seedOptionsSchema.default({}) }), (b) => control.seed(b.domain, b.options));
  post('/_control/users', domainBody.extend({ name: z.string(), email: z.string(), isAdmin: z.boolean().optional() }), (b) => ({ id: control.addUser(b.domain, b) }));
  post('/_control/api-tokens', domainBody.extend(userOpt), (b) => ({ token: control.createApiToken(b.domain, b.userId) }));
  post('/_control/apps', registerAppSchema, (b) => control.registerApp(b));
  post('/_control/login-user', domainBody.extend(userOpt), (b) => control.setLoginUser(b.domain, b.userId));
  post('/_control/auto-approve', z.object({ on: z.boolean() }), (b) => control.setAutoApprove(b.on));
  post('/_control/tokens', domainBody.extend({ clientId: z.string(), ...userOpt }), (b) => control.issueTokens(b));
  post('/_control/uninstall', domainBody.extend({ clientId: z.string(), ...userOpt }), (b) => control.uninstall(b));

  post('/_control/ui/move-deal', domainBody.extend({ dealId: z.number().int(), stageId: z.number().int(), ...userOpt, ...atOpt }), (b) => control.moveDeal(b.domain, b.dealId, b.stageId, b.userId, b.at));
  post('/_control/ui/deal-status', domainBody.extend({ dealId: z.number().int(), status: z.enum(['open', 'won', 'lost']), ...userOpt, ...atOpt }), (b) => control.setDealStatus(b.domain, b.dealId, b.status, b.userId, b.at));
  post('/_control/ui/create-deal', domainBody.extend({ title: z.string(), stageId: z.number().int(), personId: z.number().int().nullish(), orgId: z.number().int().nullish(), value: z.number().optional(), currency: z.string().length(3).optional(), ...userOpt, ...atOpt }), (b) => control.createDeal(b.domain, b, b.userId));
  post('/_control/ui/create-person', domainBody.extend({ name: z.string(), emails: z.array(z.string()).optional(), phones: z.array(z.string()).optional(), ...userOpt }), (b) => control.createPerson(b.domain, b, b.userId));
  post('/_control/ui/edit-person', domainBody.extend({ id: z.number().int(), edit: personEditSchema, ...userOpt }), (b) => control.editPerson(b.domain, b.id, b.edit, b.userId));
  post('/_control/ui/delete-person', domainBody.extend({ id: z.number().int(), ...userOpt }), (b) => control.deletePerson(b.domain, b.id, b.userId));
  post('/_control/ui/merge-persons', domainBody.extend({ fromId: z.number().int(), intoId: z.number().int(), ...userOpt }), (b) => control.mergePersons(b.domain, b.fromId, b.intoId, b.userId));
  post('/_control/ui/merge-organizations', domainBody.extend({ fromId: z.number().int(), intoId: z.number().int(), ...userOpt }), (b) => control.mergeOrganizations(b.domain, b.fromId, b.intoId, b.userId));
  post('/_control/ui/log-activity', domainBody.extend({ subject: z.string(), type: z.string().optional(), dealId: z.number().int().optional(), personId: z.number().int().optional(), done: z.boolean().optional(), ...userOpt, ...atOpt }), (b) => control.logActivity(b.domain, b, b.userId));

  post('/_control/clock/advance', z.object({ ms: z.number().nonnegative() }), async (b) => ({ now: await control.advanceClock(b.ms) }));
  r.add('GET', '/_control/clock', () => json({ now: control.clock.now() }));
  post('/_control/faults', faultRuleSchema, (b) => control.injectFault(b));
  r.add('DELETE', '/_control/faults', () => (control.clearFaults(), json(undefined)));
  r.add('GET', '/_control/faults', () => json(control.faults()));
  post('/_control/rate-limits', z.object({ mode: z.enum(['off', 'real', 'tight']), burst: z.number().int().positive().optional(), dailyBudget: z.number().int().nonnegative().optional() }), (b) => control.setRateLimits(b));
  r.add('GET', '/_control/budget/:domain', (req) => json(control.budget(req.params.domain ?? '')));

  r.add('GET', '/_control/deliveries', () => json(control.deliveries()));
  r.add('GET', '/_control/requests', (req) => json(control.requestLog(req.query.get('domain') ?? undefined)));
  r.add('DELETE', '/_control/requests', () => (control.clearRequestLog(), json(undefined)));
  post('/_control/webhooks/flush', z.object({}), async () => control.flushWebhooks());
  r.add('GET', '/_control/webhooks/:domain', (req) => json(control.webhooks(req.params.domain ?? '')));
  r.add('GET', '/_control/stats/:domain', (req) => json(control.stats(req.params.domain ?? '')));
  r.add('GET', '/_control/persons/:domain/:id', (req) => {
    const p = control.person(req.params.domain ?? '', Number(req.params.id));
    if (!p) throw new SandboxError(404, 'No such person');
    return json(p);
  });
  r.add('GET', '/_control/deals/:domain/:id', (req) => {
    const d = control.deal(req.params.domain ?? '', Number(req.params.id));
    if (!d) throw new SandboxError(404, 'No such deal');
    return json(d);
  });
  return r;
}
