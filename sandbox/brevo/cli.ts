import { parseArgs } from 'node:util';
import { seedDemoAccount, startBrevoSandbox } from './index';

/*
 * Runs the Brevo sandbox on its own: `npx tsx sandbox/brevo/cli.ts --port 4010 --rate-limits real --demo`.
 * Prints the API base URL, the demo account's keys and the inspector address.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.BREVO_SANDBOX_PORT ?? '4010' },
    'rate-limits': { type: 'string', default: 'real' },
    demo: { type: 'boolean', default: false },
  },
});
const mode = values['rate-limits'];
if (mode !== 'off' && mode !== 'real' && mode !== 'tight') throw new Error(`--rate-limits must be off, real or tight (got ${mode})`);

const sandbox = await startBrevoSandbox({ port: Number(values.port), rateLimits: mode });
console.log(`Brevo sandbox: ${sandbox.url}/v3 (rate limits: ${mode})`);
console.log(`Inspector:     ${sandbox.url}/_inspector`);
console.log(`Control API:   ${sandbox.url}/_control/accounts`);
if (values.demo) {
  const demo = seedDemoAccount(sandbox.control);
  console.log(`Demo account api-key: ${demo.apiKey}`);
  console.log(`  key without permission: ${demo.restrictedApiKey}`);
  console.log(`  key from an IP not allowlisted: ${demo.ipBlockedApiKey}`);
}
const stop = () => {
  sandbox
    .close()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
