import { generateKeySpec } from '@/lib/crypto/secrets';
import { resetEnvCache } from '@/lib/env';

/**
 * Points the app's modules (env, prisma, pools) at a test database. Call before the first
 * import that reads configuration; each test file runs in its own process, so singletons do
 * not leak between files.
 */
export function useAppEnv(databaseUrl: string, extra: Record<string, string> = {}): void {
  process.env.DATABASE_URL = databaseUrl;
  process.env.NEXTAUTH_SECRET ??= 'test-secret-test-secret-test-secret-42';
  process.env.PIPEBRIDGE_ENCRYPTION_KEYS ??= generateKeySpec('test');
  process.env.LOG_LEVEL ??= 'silent';
  Object.assign(process.env, extra);
  resetEnvCache();
}
