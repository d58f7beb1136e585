export { startBrevoSandbox, type BrevoSandbox, type BrevoSandboxOptions } from './brevo-sandbox';
export { BrevoControl, type CreatedAccount, type ContactState } from './brevo-control';
export { seedDemoAccount } from './demo-account';
export type { FaultSpec } from './faults';
export type { RateLimitMode } from './rate-limits';
export { FrozenClock } from './frozen-clock';
