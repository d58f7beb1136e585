import pino from 'pino';
import { env } from './env';

/**
 * Structured logs. Anything that may carry a credential is redacted by path, so a careless
 * `log.info({ installation })` cannot leak a token.
 */
const SECRET_KEYS = [
  'accessToken', 'refreshToken', 'apiToken', 'apiKey', 'api_key', 'password', 'secret', 'clientSecret',
  'access_token', 'refresh_token', 'api_token', 'authorization', 'Authorization', 'cookie', 'token',
  'accessTokenEnc', 'refreshTokenEnc', 'apiTokenEnc', 'apiKeyEnc', 'webhookPasswordEnc', 'webhookTokenEnc',
];
export const redactPaths = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`), 'headers["api-key"]', 'headers["x-api-token"]', '*.headers["api-key"]', '*.headers["x-api-token"]'];

let root: pino.Logger | undefined;

export function logger(): pino.Logger {
  const e = env();
  root ??= pino(
    {
      level: e.LOG_LEVEL,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { app: 'pipebridge' },
    },
    e.PIPEBRIDGE_LOG_FILE ? pino.destination({ dest: e.PIPEBRIDGE_LOG_FILE, sync: true, append: true }) : undefined,
  );
  return root;
}

export function childLogger(bindings: Record<string, unknown>): pino.Logger {
  return logger().child(bindings);
}
