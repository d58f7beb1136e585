import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from '../errors';
import { applyConfigImport, configContext, exportCompanyConfig, previewConfigImport } from './config-yaml';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Reads stdin when the file is `-`. */
  stdin?: () => Promise<string>;
}

export const CONFIG_CLI_USAGE = `Usage:
  npm run config -- export --company <domain|id> [--out file.yaml] [--no-names]
  npm run config -- import --company <domain|id> --file file.yaml [--yes]

  --company   the Pipedrive company: its subdomain (acme for acme.pipedrive.com), its Pipedrive
              company id, or Pipebridge's company id
  --out       write the YAML to this file instead of standard output
  --no-names  do not ask Pipedrive and Brevo for field, stage and list names (written as comments)
  --file      the YAML file to import (- reads standard input)
  --yes       apply the import; without it the import only checks the file and prints the changes`;

const argsSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('export'), company: z.string().min(1), out: z.string().min(1).optional(), names: z.boolean() }),
  z.object({ command: z.literal('import'), company: z.string().min(1), file: z.string().min(1), yes: z.boolean() }),
]);
export type CliArgs = z.infer<typeof argsSchema>;

/** Reads `export|import --flag value` arguments; returns a message for the person on a mistake. */
export function parseCliArgs(argv: readonly string[]): { ok: true; args: CliArgs } | { ok: false; message: string } {
  const [command, ...rest] = argv;
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) return { ok: false, message: `Unexpected argument ${arg}.` };
    const name = arg.slice(2);
    if (['yes', 'no-names'].includes(name)) flags[name] = true;
    else {
      const value = rest[i + 1];
      if (value === undefined || (value.startsWith('--') && value !== '-')) return { ok: false, message: `--${name} needs a value.` };
      flags[name] = value;
      i++;
    }
  }
  const known = command === 'export' ? ['company', 'out', 'no-names'] : ['company', 'file', 'yes'];
  const unknown = Object.keys(flags).find((f) => !known.includes(f));
  if (command !== 'export' && command !== 'import') return { ok: false, message: `Unknown command ${command ?? '(none)'}: use export or import.` };
  if (unknown) return { ok: false, message: `Unknown option --${unknown} for ${command}.` };
  const parsed = argsSchema.safeParse({ command, company: flags.company, out: flags.out, file: flags.file, yes: flags.yes === true, names: flags['no-names'] !== true });
  if (!parsed.success) return { ok: false, message: `Missing or invalid --${String(parsed.error.issues[0]?.path[0] ?? 'option')}.` };
  return { ok: true, args: parsed.data };
}

/** Finds the company by subdomain, Pipedrive company id or Pipebridge id. */
export async function findCompany(db: PrismaClient, ref: string): Promise<{ id: string; name: string }> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const numeric = /^\d+$/.test(ref) && Number(ref) < 2 ** 31;
  const company = await db.company.findFirst({
    where: { OR: [{ companyDomain: ref.toLowerCase() }, ...(uuid ? [{ id: ref }] : []), ...(numeric ? [{ pipedriveCompanyId: Number(ref) }] : [])] },
    select: { id: true, name: true },
  });
  if (!company) throw new AppError('not_found', `No installed company matches "${ref}". Use its subdomain (acme for acme.pipedrive.com) or its Pipedrive company id.`, 404);
  return company;
}

/** `npm run config -- export|import`: same functions as the settings page; returns the exit code. */
export async function runConfigCli(db: PrismaClient, argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.err(`${parsed.message}\n\n${CONFIG_CLI_USAGE}`);
    return 2;
  }
  const args = parsed.args;
  try {
    const company = await findCompany(db, args.company);
    if (args.command === 'export') {
      const yaml = await exportCompanyConfig(db, company.id, args.names ? undefined : {});
      if (args.out) {
        await writeFile(args.out, yaml, 'utf8');
        io.err(`Wrote the configuration of ${company.name} to ${args.out}.`);
      } else io.out(yaml);
      return 0;
    }
    const text = args.file === '-' ? await (io.stdin ?? (() => Promise.resolve('')))() : await readFile(args.file, 'utf8');
    const preview = await previewConfigImport(db, company.id, text, args.yes ? {} : await configContext(company.id));
    if (!preview.ok) {
      io.err(`${args.file}: ${preview.errors.length} error${preview.errors.length === 1 ? '' : 's'}; nothing was imported.`);
      // The parser's messages usually start with the path already; it is only added when they do not.
      for (const e of preview.errors) io.err(`${args.file}:${e.line}:${e.column}: ${e.path && !e.message.startsWith(e.path) ? `${e.path}: ` : ''}${e.message}`);
      return 1;
    }
    for (const n of preview.notices) io.err(`${args.file}:${n.line}:${n.column}: note: ${n.message}`);
    if (!args.yes) {
      io.out(preview.changes.length === 0 ? 'The file matches the current configuration; nothing to import.' : `Importing would make ${preview.changes.length} change(s):`);
      for (const c of preview.changes) io.out(`  ${c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~'} ${c.message}`);
      if (preview.changes.length > 0) io.out('Run again with --yes to apply.');
      return 0;
    }
    const { changes } = await applyConfigImport(db, company.id, text);
    io.out(`Imported into ${company.name}: ${changes.length} change(s) applied.`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      io.err(err.message);
      return 1;
    }
    if (err instanceof Error && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`Cannot read ${(err as NodeJS.ErrnoException).path ?? 'the file'}: it does not exist.`);
      return 1;
    }
    throw err;
  }
}
