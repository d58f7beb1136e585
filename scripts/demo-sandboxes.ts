// The vendor sandboxes for `npm run demo` and `npm run dev`: a seeded Pipedrive company with an
// OAuth app registered for this Pipebridge, and a Brevo demo account. The app is pointed at them
// through the same variables that point it at the real APIs in production.
import { seedDemoAccount, startBrevoSandbox } from '../sandbox/brevo';
import { seedDemoCompany, startPipedriveSandbox } from '../sandbox/pipedrive';

export interface DemoSandboxes {
  notes: string[];
  close: () => Promise<void>;
}

export async function startDemoSandboxes(appUrl: string): Promise<DemoSandboxes> {
  const pdPort = Number(process.env.PIPEDRIVE_SANDBOX_PORT ?? 4010);
  const brevoPort = Number(process.env.BREVO_SANDBOX_PORT ?? 4020);
  const pipedrive = await startPipedriveSandbox({ port: pdPort, rateLimits: 'real', autoApprove: process.env.PIPEDRIVE_SANDBOX_AUTO_APPROVE === 'true' });
  const brevo = await startBrevoSandbox({ port: brevoPort, rateLimits: 'real' });
  const company = seedDemoCompany(pipedrive.control);
  const app = pipedrive.control.registerApp({
    name: 'Pipebridge (demo)',
    redirectUri: `${appUrl}/api/auth/callback/pipedrive`,
    clientId: process.env.PIPEDRIVE_CLIENT_ID,
    clientSecret: process.env.PIPEDRIVE_CLIENT_SECRET,
    scopes: ['base', 'deals:read', 'contacts:full', 'activities:read', 'leads:read', 'admin'],
  });
  const account = seedDemoAccount(brevo.control);

  process.env.PIPEDRIVE_OAUTH_URL = pipedrive.url;
  process.env.PIPEDRIVE_API_URL_TEMPLATE = `${pipedrive.url}/d/{company}`;
  process.env.PIPEDRIVE_CLIENT_ID = app.clientId;
  process.env.PIPEDRIVE_CLIENT_SECRET = app.clientSecret;
  process.env.PIPEDRIVE_FRAME_ANCESTORS = `${process.env.PIPEDRIVE_FRAME_ANCESTORS ?? 'https://*.pipedrive.com'} ${pipedrive.url}`;
  process.env.BREVO_API_URL = `${brevo.url}/v3`;
  process.env.PIPEBRIDGE_DEMO_BREVO_KEY = account.apiKey;

  return {
    notes: [
      `Pipedrive sandbox: ${pipedrive.url} (company "${company.name}", domain ${company.domain}; inspector ${pipedrive.url}/_inspector)`,
      `Brevo sandbox: ${brevo.url} (account "Northwind Traders (demo)"; inspector ${brevo.url}/_inspector)`,
      `Open ${appUrl}/install to install Pipebridge into the demo company.`,
    ],
    close: async () => {
      await pipedrive.close();
      await brevo.close();
    },
  };
}
