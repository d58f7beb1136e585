/**
 * Runs the Pipedrive sandbox as a process.
 *   npx tsx sandbox/pipedrive/cli.ts [--port 4010] [--rate-limits off|real|tight] [--auto-approve]
 *     [--demo] [--app-client-id ID --app-client-secret SECRET --app-redirect-uri URL]
 * Environment variables of the same names (PIPEDRIVE_SANDBOX_PORT ...) work too.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { seedDemoCompany, startPipedriveSandbox } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PIPEDRIVE_SANDBOX_PORT ?? '4010' },
    'rate-limits': { type: 'string', default: process.env.PIPEDRIVE_SANDBOX_RATE_LIMITS ?? 'off' },
    'auto-approve': { type: 'boolean', default: process.env.PIPEDRIVE_SANDBOX_AUTO_APPROVE === '1' },
    demo: { type: 'boolean', default: process.env.PIPEDRIVE_SANDBOX_DEMO === '1' },
    'app-client-id': { type: 'string', default: process.env.PIPEDRIVE_CLIENT_ID },
    'app-client-secret': { type: 'string', default: process.env.PIPEDRIVE_CLIENT_SECRET },
    'app-redirect-uri': { type: 'string', default: process.env.PIPEDRIVE_REDIRECT_URI },
  },
});

const opts = z
  .object({
    port: z.coerce.number().int().min(0).max(65535),
    'rate-limits': z.enum(['off', 'real', 'tight']),
    'auto-approve': z.boolean(),
    demo: z.boolean(),
    'app-client-id': z.string().optional(),
    'app-client-secret': z.string().optional(),
    'app-redirect-uri': z.url().optional(),
  })
  .parse(values);

const sb = await startPipedriveSandbox({ port: opts.port, rateLimits: opts['rate-limits'], autoApprove: opts['auto-approve'] });
console.log(`Pipedrive sandbox on ${sb.url} (control: ${sb.url}/_control/companies, inspector: ${sb.url}/_inspector)`);
if (opts['app-redirect-uri']) {
  const app = sb.control.registerApp({ clientId: opts['app-client-id'], clientSecret: opts['app-client-secret'], redirectUri: opts['app-redirect-uri'], name: 'Pipebridge' });
  console.log(`OAuth app ${app.clientId} registered for ${app.redirectUri}`);
}
if (opts.demo) {
  const demo = seedDemoCompany(sb.control);
  sb.control.setLoginUser(demo.domain);
  console.log(`demo company ${demo.name}: api_domain ${demo.apiDomain}, api token ${demo.apiToken}`);
}

const stop = () => {
  void sb.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
