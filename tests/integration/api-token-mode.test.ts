import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipedriveSandbox } from '@/sandbox/pipedrive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { useAppEnv } from '../helpers/app-env';

/** API-token mode (a company without the Marketplace app), against the Pipedrive sandbox. */
describe('API-token mode', () => {
  let db: TestDatabase;
  let sandbox: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  let authorize: (creds: Record<string, string>) => Promise<unknown>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startPipedriveSandbox();
    useAppEnv(db.url, { PIPEDRIVE_API_URL_TEMPLATE: `${sandbox.url}/d/{company}` });
    const { authOptions } = await import('@/lib/auth/options');
    // next-auth merges a provider's options over its defaults at run time; the id and authorize live in options.
    const provider = authOptions().providers.find((p) => (p as { options?: { id?: string } }).options?.id === 'pipedrive-token') as unknown as { options: { authorize: (c: Record<string, string>, req: unknown) => Promise<unknown> } };
    authorize = (c) => provider.options.authorize(c, {});
  });
  afterAll(async () => {
    const { disconnectPrisma } = await import('@/lib/db/prisma');
    await disconnectPrisma();
    await sandbox.close();
    await db.drop();
  });

  it('connects with a valid admin token, stores it encrypted and scopes the session to the company', async () => {
    const co = sandbox.control.createCompany({ name: 'Token Co', domain: 'token-co' });
    const token = sandbox.control.createApiToken(co.domain);
    const user = (await authorize({ companyDomain: 'token-co.pipedrive.com', apiToken: token })) as { claims: { companyId: string; authMode: string } };
    expect(user.claims.authMode).toBe('api_token');
    const { prisma } = await import('@/lib/db/prisma');
    const inst = await prisma().installation.findFirstOrThrow({ where: { companyId: user.claims.companyId } });
    expect(inst.authMode).toBe('api_token');
    expect(inst.apiTokenEnc).not.toContain(token);
    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    expect((await (await pipedriveForCompany(user.claims.companyId)).me()).company_domain).toBe('token-co');
  });

  it('says how to fix a token Pipedrive rejects', async () => {
    sandbox.control.createCompany({ name: 'Other Co', domain: 'other-co' });
    await expect(authorize({ companyDomain: 'other-co', apiToken: 'a'.repeat(40) })).rejects.toThrow(
      'This token was rejected by Pipedrive: regenerate it in Settings > Personal preferences > API.',
    );
  });

  it('refuses malformed input before calling Pipedrive, and a token of a non-admin', async () => {
    await expect(authorize({ companyDomain: 'not a domain!', apiToken: 'x'.repeat(40) })).rejects.toThrow(/company domain/);
    await expect(authorize({ companyDomain: 'token-co', apiToken: 'short' })).rejects.toThrow(/does not look like a Pipedrive API token/);
    const co = sandbox.control.createCompany({ name: 'Staff Co', domain: 'staff-co' });
    const staff = sandbox.control.addUser(co.domain, { name: 'Staff', email: 'staff@staff-co.test', isAdmin: false });
    await expect(authorize({ companyDomain: 'staff-co', apiToken: sandbox.control.createApiToken(co.domain, staff) })).rejects.toThrow(/not an admin/);
  });
});
