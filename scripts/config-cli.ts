// `npm run config -- export|import`: the settings page's YAML import/export on the command line.
import { boot } from './boot';

const booted = await boot({ allowGeneratedSecrets: process.env.NODE_ENV !== 'production' });
const { runConfigCli } = await import('../lib/admin/config-cli');
const { prisma, disconnectPrisma } = await import('../lib/db/prisma');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let code = 1;
try {
  code = await runConfigCli(prisma(), process.argv.slice(2), { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`), stdin: readStdin });
} finally {
  await disconnectPrisma();
  await booted.embedded?.stop();
}
process.exit(code);
