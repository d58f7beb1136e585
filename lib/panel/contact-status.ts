import { z } from 'zod';

/**
 * Where a Brevo contact stands for email marketing. Brevo has a single `emailBlacklisted` flag;
 * the statistics on GET /contacts/{id} tell why it is set, and the reason changes what a
 * salesperson should do (a bounce needs a new address, an unsubscribe must be respected).
 */
export type ContactStatus = 'subscribed' | 'unsubscribed' | 'blocklisted' | 'bounced' | 'complained';

const event = z.object({ eventTime: z.string().optional() }).passthrough();
/** Only the parts of Brevo's `statistics` that explain a blocklisting; everything else is ignored. */
const statisticsSchema = z
  .object({
    hardBounces: z.array(event).optional(),
    complaints: z.array(event).optional(),
    unsubscriptions: z
      .object({
        userUnsubscription: z.array(event).optional(),
        adminUnsubscription: z.array(event).optional(),
      })
      .optional(),
  })
  .passthrough();

export interface ContactStatusInput {
  emailBlacklisted: boolean;
  statistics?: unknown;
}

export function contactStatus(contact: ContactStatusInput): { status: ContactStatus; detail: string } {
  if (!contact.emailBlacklisted) return { status: 'subscribed', detail: 'Receives email campaigns.' };
  const stats = statisticsSchema.safeParse(contact.statistics ?? {});
  const s = stats.success ? stats.data : {};
  const latest = (events: { eventTime?: string }[] | undefined) => events?.map((e) => e.eventTime ?? '').sort().at(-1);
  // Several reasons can stack up; the most recent one is the one that explains the flag today.
  const reasons: { status: ContactStatus; at: string; detail: string }[] = [];
  const bounce = latest(s.hardBounces);
  if (bounce !== undefined) reasons.push({ status: 'bounced', at: bounce, detail: 'The address hard-bounced, so Brevo stopped sending to it. Ask for a new address.' });
  const complaint = latest(s.complaints);
  if (complaint !== undefined) reasons.push({ status: 'complained', at: complaint, detail: 'The contact marked an email as spam, so Brevo stopped sending to it.' });
  const unsub = latest(s.unsubscriptions?.userUnsubscription);
  if (unsub !== undefined) reasons.push({ status: 'unsubscribed', at: unsub, detail: 'The contact unsubscribed from a campaign. Pipebridge never subscribes them again.' });
  const admin = latest(s.unsubscriptions?.adminUnsubscription);
  if (admin !== undefined) reasons.push({ status: 'blocklisted', at: admin, detail: 'Blocklisted by someone in Brevo. Pipebridge never subscribes them again.' });
  const newest = reasons.sort((a, b) => b.at.localeCompare(a.at))[0];
  return newest ? { status: newest.status, detail: newest.detail } : { status: 'blocklisted', detail: 'Blocklisted in Brevo for email. Pipebridge never subscribes them again.' };
}
