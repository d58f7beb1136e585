import pg from 'pg';
import { env, requireDatabaseUrl } from '../env';

/** A plain pg pool for hot paths that want one SQL statement (rate budgets, webhook ingest). */
const g = globalThis as unknown as { pipebridgePool?: pg.Pool };

export function pgPool(): pg.Pool {
  if (!g.pipebridgePool) {
    // A webhook being applied holds one connection (its record lock) and queries on another: the
    // listener's events get their own share, above what jobs and requests use.
    g.pipebridgePool = new pg.Pool({ connectionString: requireDatabaseUrl(), max: 10 + env().PIPEBRIDGE_WEBHOOK_CONCURRENCY });
    // Idle connections dropped by the server must not crash the process; the pool reconnects.
    g.pipebridgePool.on('error', () => undefined);
  }
  return g.pipebridgePool;
}
