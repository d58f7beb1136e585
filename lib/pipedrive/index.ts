export { PipedriveClient, type PipedriveAuth, type PipedriveClientOptions, type V2ListParams, type Page } from './client';
export { PipedriveError, classifyHttpError, ADMIN_MESSAGES, nextBudgetReset, type PipedriveErrorKind } from './errors';
export { exchangeCode, refreshAccessToken, revokeToken, buildAuthorizeUrl, tokenSetSchema, type TokenSet, type OAuthClientConfig } from './oauth';
export { burstPolicy, dailyBudgetPolicy, searchPolicy, TOKEN_COST, type PipedrivePlan } from './rate-policy';
export * from './schemas';
