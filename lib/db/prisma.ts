import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { requireDatabaseUrl } from '../env';

/**
 * One Prisma client per process (Next's dev server reloads modules, hence the global).
 */
const globalForPrisma = globalThis as unknown as { pipebridgePrisma?: PrismaClient };

export function prisma(): PrismaClient {
  globalForPrisma.pipebridgePrisma ??= createPrisma(requireDatabaseUrl());
  return globalForPrisma.pipebridgePrisma;
}

export function createPrisma(databaseUrl: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
  return new PrismaClient({ adapter });
}

export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.pipebridgePrisma;
  globalForPrisma.pipebridgePrisma = undefined;
  await client?.$disconnect();
}

/**
 * Loads Prisma's query compiler and opens a connection now, at process start: the first query of
 * a process paid about 400 ms for both, which otherwise lands on whichever job comes first (a
 * backfill's first page, a webhook's latency). A failure here is a boot failure: better than a
 * worker that looks healthy and fails its first job.
 */
export async function warmPrisma(): Promise<void> {
  await prisma().company.findFirst({ select: { id: true } });
}
