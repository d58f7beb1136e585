import type { WebhookView } from '@/lib/admin/sync-dashboard';
import { Card } from '@/components/ui/card';
import { numberFormat, timeAgo } from '@/components/ui/format';

const problemLabel: Record<string, string> = {
  silent: 'Stopped delivering',
  missing_in_pipedrive: 'Deleted in Pipedrive',
  inactive_in_pipedrive: 'Inactive in Pipedrive',
  failing_deliveries: 'Failing deliveries',
};

/** The company's Pipedrive webhooks: when each last delivered, and a flag when one went quiet. */
export function WebhookStatus({ webhooks }: { webhooks: WebhookView[] }) {
  return (
    <Card id="webhooks" title="Real-time updates" description="Pipedrive sends every change through these webhooks; a scheduled reconciliation repairs whatever a missed delivery lost.">
      {webhooks.length === 0 ? (
        <p className="text-sm text-slate-600">No webhooks are registered yet: they are created when the first sync starts.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3">Webhook</th>
                <th scope="col" className="py-2 pr-3">Last event received</th>
                <th scope="col" className="py-2 pr-3 text-right">Events (30 days)</th>
                <th scope="col" className="py-2">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {webhooks.map((w) => {
                const last = w.lastEventAt ?? w.lastDeliveryAt;
                return (
                <tr key={`${w.object}:${w.action}`} data-testid="webhook-row">
                  <td className="py-2 pr-3 capitalize">
                    {w.object} <span className="text-xs normal-case text-slate-500">({w.action})</span>
                  </td>
                  <td className="py-2 pr-3">{last ? timeAgo(last) : 'none yet'}</td>
                  <td className="py-2 pr-3 text-right">{numberFormat.format(w.eventsLast30Days)}</td>
                  <td className="py-2">
                    {w.problems.length === 0 ? (
                      <span className="rounded bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">Delivering</span>
                    ) : (
                      <div>
                        <span className="rounded bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800">{w.problems.map((p) => problemLabel[p] ?? p).join(', ')}</span>
                        {w.advice && <p className="mt-1 text-xs text-slate-600">{w.advice}</p>}
                      </div>
                    )}
                  </td>
                </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
