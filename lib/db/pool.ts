import pg from 'pg';
import { requireDatabaseUrl } from '../env';

/** A plain pg pool for hot paths that want one SQL statement (rate budgets, webhook ingest). */
const g = globalThis as unknown as { pipebridgePool?: pg.Pool };

export function pgPool(): pg.Pool {
  if (!g.pipebridgePool) {
    g.pipebridgePool = new pg.Pool({ connectionString: requireDatabaseUrl(), max: 10 });
    // Idle connections dropped by the server must not crash the process; the pool reconnects.
    g.pipebridgePool.on('error', () => undefined);
  }
  return g.pipebridgePool;
}
