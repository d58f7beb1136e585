// `npm run sandbox`: both vendor sandboxes, seeded for a demo, without the app
// (each can also run alone: sandbox/pipedrive/cli.ts, sandbox/brevo/cli.ts).
import { parseArgs } from 'node:util';
import { seedDemoAccount, startBrevoSandbox } from './brevo';
import { seedDemoCompany, startPipedriveSandbox } from './pipedrive';

const { values } = parseArgs({
  options: {
    'pipedrive-port': { type: 'string', default: process.env.PIPEDRIVE_SANDBOX_PORT ?? '4010' },
    'brevo-port': { type: 'string', default: process.env.BREVO_SANDBOX_PORT ?? '4020' },
    'rate-limits': { type: 'string', default: 'real' },
  },
});
const mode = values['rate-limits'];
if (mode !== 'off' && mode !== 'real' && mode !== 'tight') throw new Error(`--rate-limits must be off, real or tight (got ${mode})`);

const pipedrive = await startPipedriveSandbox({ port: Number(values['pipedrive-port']), rateLimits: mode });
const brevo = await startBrevoSandbox({ port: Number(values['brevo-port']), rateLimits: mode });
const company = seedDemoCompany(pipedrive.control);
const account = seedDemoAccount(brevo.control);
console.log(`Pipedrive sandbox: ${pipedrive.url} — company ${company.name} (${company.domain}), API token ${company.apiToken}, inspector ${pipedrive.url}/_inspector`);
console.log(`Brevo sandbox:     ${brevo.url}/v3 — demo account key ${account.apiKey}, inspector ${brevo.url}/_inspector`);

const stop = () => {
  void Promise.all([pipedrive.close(), brevo.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
