import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export interface MountedRoute {
  /** Path pattern with :params, e.g. /api/webhooks/pipedrive/:companyId */
  path: string;
  module: Record<string, unknown>;
}

/**
 * Serves route handler modules over real HTTP without starting Next, so that a sandbox can call
 * the app (uninstall DELETEs, webhook deliveries) the way Pipedrive would.
 */
export async function serveRoutes(routes: MountedRoute[]): Promise<{ url: string; close(): Promise<void> }> {
  const compiled = routes.map((r) => {
    const keys: string[] = [];
    const re = new RegExp(`^${r.path.replace(/:([a-zA-Z]+)/g, (_m, k: string) => (keys.push(k), '([^/]+)'))}$`);
    return { re, keys, module: r.module };
  });
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = compiled.map((r) => ({ r, m: r.re.exec(url.pathname) })).find((x) => x.m);
      const handler = route?.r.module[req.method ?? 'GET'] as Handler | undefined;
      if (!route || !handler) {
        res.writeHead(404).end();
        return;
      }
      const params = Object.fromEntries(route.r.keys.map((k, i) => [k, decodeURIComponent(route.m![i + 1]!)]));
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const out = await handler(new NextRequest(url, { method: req.method, headers, body }), { params: Promise.resolve(params) });
      res.writeHead(out.status, Object.fromEntries(out.headers.entries()));
      res.end(Buffer.from(await out.arrayBuffer()));
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
