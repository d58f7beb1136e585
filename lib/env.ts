import { z } from 'zod';

/**
 * The one place that reads configuration. Every variable is validated once; a wrong or missing
 * one stops the start with a message naming it. Scripts that boot the app (scripts/start.ts)
 * fill in the embedded defaults before anything reads this.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z.url({ message: 'must be a postgresql:// URL' }).optional(),
    APP_URL: z.url().default('http://localhost:3000'),
    NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters (generate one with `openssl rand -base64 32`)').optional(),
    /** Comma-separated `keyId:base64(32 bytes)`; the first key encrypts, all keys decrypt (rotation). */
    PIPEBRIDGE_ENCRYPTION_KEYS: z
      .string()
      .regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]{43,44})*$/, 'must be keyId:base64key[,keyId:base64key...] with 32-byte keys')
      .optional(),
    PIPEDRIVE_CLIENT_ID: z.string().min(1).optional(),
    PIPEDRIVE_CLIENT_SECRET: z.string().min(1).optional(),
    PIPEDRIVE_OAUTH_URL: z.url().default('https://oauth.pipedrive.com'),
    /** Base for API-token mode: `https://{company}.pipedrive.com`; `{company}` is replaced. */
    PIPEDRIVE_API_URL_TEMPLATE: z.string().default('https://{company}.pipedrive.com'),
    /** Origins allowed to frame the panel (space-separated), besides Pipedrive's. */
    PIPEDRIVE_FRAME_ANCESTORS: z.string().default('https://*.pipedrive.com'),
    BREVO_API_URL: z.url().default('https://api.brevo.com/v3'),
    /** Write logs to this file instead of stdout (tests grep it for leaked secrets). */
    PIPEBRIDGE_LOG_FILE: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Run job workers inside the web process (demo and dev). */
    PIPEBRIDGE_IN_PROCESS_WORKERS: bool.default(false),
    /** Set only by `npm run demo`: the sandbox Brevo account's key, prefilled in the connect form. */
    PIPEBRIDGE_DEMO_BREVO_KEY: z.string().optional(),
    PIPEBRIDGE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Webhook events a worker applies at once as their notifications arrive (webhook-listener.ts). */
    PIPEBRIDGE_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      for (const key of ['DATABASE_URL', 'NEXTAUTH_SECRET', 'PIPEBRIDGE_ENCRYPTION_KEYS'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
      }
    }
  });

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings are treated as unset, which is what people mean by `FOO=` in a .env file.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}\nSee README.md, "Configuration".`);
  }
  return result.data;
}

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests and the start script change process.env and then need a fresh read. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function requireDatabaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new EnvError('DATABASE_URL is not set. Start through `npm run demo`/`npm run dev` (embedded database) or set DATABASE_URL.');
  return url;
}
