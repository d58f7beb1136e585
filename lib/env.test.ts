import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('env', () => {
  it('applies defaults for a development start', () => {
    const e = parseEnv({});
    expect(e.APP_URL).toBe('http://localhost:3000');
    expect(e.BREVO_API_URL).toBe('https://api.brevo.com/v3');
    expect(e.PIPEDRIVE_OAUTH_URL).toBe('https://oauth.pipedrive.com');
    expect(e.PIPEBRIDGE_IN_PROCESS_WORKERS).toBe(false);
  });

  it('names every wrong variable and says where to look', () => {
    expect(() => parseEnv({ APP_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(/APP_URL[\s\S]*LOG_LEVEL[\s\S]*README/);
  });

  it('requires the secrets in production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: is required in production[\s\S]*NEXTAUTH_SECRET[\s\S]*PIPEBRIDGE_ENCRYPTION_KEYS/);
  });

  it('rejects malformed encryption keys', () => {
    expect(() => parseEnv({ PIPEBRIDGE_ENCRYPTION_KEYS: 'k1:short' })).toThrow(/PIPEBRIDGE_ENCRYPTION_KEYS/);
  });

  it('treats empty values as unset', () => {
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
