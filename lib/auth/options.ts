import type { AuthOptions, User } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import PipedriveProvider from 'next-auth/providers/pipedrive';
import { z } from 'zod';
import { env } from '../env';
import { oauthConfig } from '../engine/pipedrive-access';
import { childLogger } from '../log';
import { exchangeCode, PipedriveClient, PipedriveError, type CurrentUser } from '../pipedrive';
import { MemoryRateLimiter } from '../ratelimit/memory-limiter';
import { safeEqual } from '../http/basic-auth';
import { saveInstallation, type PipedriveIdentity } from './installations';
import type { SessionClaims } from './claims';

const log = childLogger({ part: 'auth' });

function identityOf(me: CurrentUser): PipedriveIdentity {
  // Marketplace docs list `is_admin`; the OpenAPI spec lists per-app `access[].admin` instead.
  // Either one saying "admin" of the CRM (global, sales or account settings) counts.
  const admin = me.is_admin === true || me.is_admin === 1 || (me.access ?? []).some((a) => a.admin && ['global', 'sales', 'account_settings'].includes(a.app));
  return { userId: me.id, name: me.name, email: me.email, companyId: me.company_id, companyName: me.company_name ?? me.company_domain, companyDomain: me.company_domain, isAdmin: admin };
}

/** One-off client for sign-in (identity lookup) before any company budget exists. */
function signInClient(apiDomain: string, auth: ConstructorParameters<typeof PipedriveClient>[0]['auth']): PipedriveClient {
  return new PipedriveClient({ apiDomain, auth, limiter: new MemoryRateLimiter(), budgetKey: `signin:${apiDomain}`, maxRetries: 1 });
}

type SignInUser = User & { claims: SessionClaims };

const apiTokenInput = z.object({
  companyDomain: z
    .string()
    .trim()
    .toLowerCase()
    .transform((d) => d.replace(/^https?:\/\//, '').replace(/\.pipedrive\.com.*$/, ''))
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Enter your company domain: the "yourcompany" part of yourcompany.pipedrive.com.')),
  apiToken: z.string().trim().regex(/^[A-Za-z0-9]{20,64}$/, 'That does not look like a Pipedrive API token: copy it from Settings > Personal preferences > API.'),
});

/**
 * next-auth configuration. Sessions are JWTs holding only ids (SessionClaims); the tokens live
 * encrypted in `installations`. Both the token exchange and the identity lookup go through
 * lib/pipedrive, with next-auth's state check kept (Pipedrive sets scopes on the app itself).
 */
export function authOptions(): AuthOptions {
  const e = env();
  const providers: AuthOptions['providers'] = [];
  if (e.PIPEDRIVE_CLIENT_ID && e.PIPEDRIVE_CLIENT_SECRET) {
    providers.push(
      PipedriveProvider({
        clientId: e.PIPEDRIVE_CLIENT_ID,
        clientSecret: e.PIPEDRIVE_CLIENT_SECRET,
        checks: ['state'],
        authorization: { url: `${e.PIPEDRIVE_OAUTH_URL}/oauth/authorize`, params: { scope: undefined } },
        token: {
          url: `${e.PIPEDRIVE_OAUTH_URL}/oauth/token`,
          async request({ params, checks, provider }) {
            // With a custom token request, next-auth leaves the state comparison to us.
            if (!params.state || !checks.state || !safeEqual(params.state, checks.state)) throw new Error('OAuth state mismatch');
            if (!params.code) throw new Error('Pipedrive returned no authorization code');
            const t = await exchangeCode(oauthConfig(), { code: params.code, redirectUri: provider.callbackUrl });
            return {
              tokens: {
                access_token: t.accessToken,
                refresh_token: t.refreshToken,
                expires_at: Math.floor(t.expiresAt.getTime() / 1000),
                scope: t.scopes.join(','),
                token_type: 'bearer',
                api_domain: t.apiDomain,
              },
            };
          },
        },
        userinfo: {
          url: `${e.PIPEDRIVE_OAUTH_URL}/users/me`,
          async request({ tokens }) {
            const apiDomain = String((tokens as Record<string, unknown>).api_domain);
            const me = await signInClient(apiDomain, { kind: 'oauth', getAccessToken: () => Promise.resolve(tokens.access_token!) }).me();
            return me;
          },
        },
        profile(profile) {
          const me = profile as unknown as CurrentUser;
          return { id: `${me.company_id}:${me.id}`, name: me.name, email: me.email };
        },
      }),
    );
  }
  providers.push(
    CredentialsProvider({
      id: 'pipedrive-token',
      name: 'Pipedrive API token',
      credentials: { companyDomain: { label: 'Company domain', type: 'text' }, apiToken: { label: 'API token', type: 'password' } },
      async authorize(raw): Promise<SignInUser | null> {
        const parsed = apiTokenInput.safeParse(raw ?? {});
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'Check the company domain and the token.');
        const { companyDomain, apiToken } = parsed.data;
        const apiDomain = e.PIPEDRIVE_API_URL_TEMPLATE.replace('{company}', companyDomain);
        let me: CurrentUser;
        try {
          me = await signInClient(apiDomain, { kind: 'api_token', token: apiToken }).me();
        } catch (err) {
          if (err instanceof PipedriveError && (err.kind === 'auth' || err.kind === 'permission' || err.kind === 'not_found')) {
            throw new Error('This token was rejected by Pipedrive: regenerate it in Settings > Personal preferences > API.');
          }
          log.warn({ err }, 'API token validation failed');
          throw new Error('Pipedrive could not be reached to check the token. Try again in a minute.');
        }
        const identity = identityOf(me);
        if (identity.companyDomain !== companyDomain) throw new Error(`This token belongs to ${identity.companyDomain}.pipedrive.com, not ${companyDomain}.pipedrive.com.`);
        if (!identity.isAdmin) throw new Error('This token belongs to a user who is not an admin of the company. Use an admin’s API token.');
        const saved = await saveInstallation(identity, { authMode: 'api_token', apiDomain, apiToken });
        return { id: `${identity.companyId}:${identity.userId}`, name: identity.name, email: identity.email, claims: { ...saved, pipedriveCompanyId: identity.companyId, pipedriveUserId: identity.userId, isAdmin: true, authMode: 'api_token', name: identity.name } };
      },
    }),
  );

  return {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
    pages: { signIn: '/login', error: '/login' },
    providers,
    callbacks: {
      async jwt({ token, account, profile, user }) {
        if (account?.provider === 'pipedrive' && profile) {
          const identity = identityOf(profile as unknown as CurrentUser);
          const saved = await saveInstallation(identity, {
            authMode: 'oauth',
            apiDomain: String(account.api_domain),
            accessToken: account.access_token,
            refreshToken: account.refresh_token,
            expiresAt: account.expires_at ? new Date(account.expires_at * 1000) : undefined,
            scopes: account.scope?.split(',').filter(Boolean),
          });
          const claims: SessionClaims = { ...saved, pipedriveCompanyId: identity.companyId, pipedriveUserId: identity.userId, isAdmin: identity.isAdmin, authMode: 'oauth', name: identity.name };
          return { sub: token.sub, name: identity.name, ...claims };
        }
        if (account?.provider === 'pipedrive-token' && user && 'claims' in user) {
          return { sub: token.sub, name: user.name, ...(user as SignInUser).claims };
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { name: token.name ?? null }, companyId: token.companyId, isAdmin: token.isAdmin };
      },
    },
    logger: {
      error: (code, metadata) => log.error({ code, metadata: metadata instanceof Error ? { message: metadata.message } : undefined }, 'next-auth error'),
      warn: (code) => log.warn({ code }, 'next-auth warning'),
      debug: () => undefined,
    },
  };
}
