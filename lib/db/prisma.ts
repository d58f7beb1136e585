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
