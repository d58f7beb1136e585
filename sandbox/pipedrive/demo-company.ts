import type { CompanyInfo, PipedriveControl } from './control';
import { DEFAULT_STAGES } from './generator';

export const DEMO_DOMAIN = 'acme-demo';

/**
 * The demo's company: a few hundred persons with organizations, deals in two pipelines,
 * activities, leads (some archived) and custom fields such as lead source, industry and company
 * size. Deterministic, so screenshots and walkthroughs stay the same.
 */
export function seedDemoCompany(control: PipedriveControl, opts: { domain?: string } = {}): CompanyInfo {
  const domain = opts.domain ?? DEMO_DOMAIN;
  const existing = control.byDomain.get(domain);
  if (existing) return control.listCompanies().find((c) => c.id === existing.id)!;
  return control.createCompany({
    name: 'Acme Demo GmbH',
    domain,
    plan: 'premium',
    seed: {
      seed: 42,
      users: 4,
      organizations: 60,
      persons: 300,
      deals: 120,
      activities: 200,
      leads: 30,
      pipelines: [
        { name: 'Sales', stages: DEFAULT_STAGES },
        { name: 'Partnerships', stages: ['Intro', 'Evaluation', 'Contract'] },
      ],
    },
  });
}
