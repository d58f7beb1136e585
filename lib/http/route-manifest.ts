/**
 * Every API route file and how it authenticates. tests/integration/tenancy.test.ts reads this:
 * a route file that is missing here, or an admin route without a tenancy probe, fails it.
 *  - admin:  next-auth session of a company admin (withAdmin); scoped to that company
 *  - panel:  Pipedrive-signed JWT from the app extensions SDK (withPanel)
 *  - basic:  HTTP Basic credentials of the app or of the company's webhook
 *  - public: no tenant data
 */
export type RouteAuth = 'admin' | 'panel' | 'basic' | 'public';

export const routeManifest: Record<string, { auth: RouteAuth; note: string }> = {
  'app/api/health/route.ts': { auth: 'public', note: 'liveness: database and queue status only' },
  'app/api/auth/[...nextauth]/route.ts': { auth: 'basic', note: 'next-auth sign-in; DELETE is the Pipedrive uninstall (Basic client_id:client_secret)' },
  'app/api/brevo/connection/route.ts': { auth: 'admin', note: "the company's Brevo key" },
  'app/api/account/route.ts': { auth: 'admin', note: 'GDPR export and delete' },
  'app/api/account/disconnect/route.ts': { auth: 'admin', note: 'revoke and delete' },
  'app/api/settings/config/route.ts': { auth: 'admin', note: "the company's sync configuration: load, preview a change, apply it" },
  'app/api/settings/config/yaml/route.ts': { auth: 'admin', note: 'configuration as YAML: export, check an import, apply it' },
  'app/api/settings/brevo/attributes/route.ts': { auth: 'admin', note: "create an attribute in the company's Brevo account" },
  'app/api/settings/brevo/lists/route.ts': { auth: 'admin', note: "create a list (and folder) in the company's Brevo account" },
  'app/api/settings/sync/route.ts': { auth: 'admin', note: 'sync dashboard: runs, record issues, sync now, resync, retry' },
  'app/api/panel/record/route.ts': { auth: 'panel', note: "what the Pipedrive panel shows for a person or deal of the token's company" },
  'app/api/panel/lists/route.ts': { auth: 'panel', note: "add the shown contact to, or remove it from, one of the company's Brevo lists" },
  'app/api/panel/sync/route.ts': { auth: 'panel', note: 'sync now for the shown record, and the state of that sync job' },
  'app/api/webhooks/pipedrive/[companyId]/route.ts': { auth: 'basic', note: "Pipedrive webhook deliveries (Basic: the company's own webhook credentials)" },
};
