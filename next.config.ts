import type { NextConfig } from "next";

// Native and Docker-talking packages must stay out of the server bundle:
// they are loaded from node_modules at run time.
const nextConfig: NextConfig = {
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    // Requires pg's own internals (pg/lib/result.js): loaded beside pg, not bundled.
    "pg-cursor",
    "dockerode",
    "ssh2",
    "cpu-features",
    "@node-rs/argon2",
    "rate-limiter-flexible",
    // lib/acme/issuer.ts hooks acme-client's own axios instance: one copy from node_modules, not a bundled one per route.
    "acme-client",
  ],
  poweredByHeader: false,
  // nginx compresses (nginx/nginx.conf: gzip). Next's own compression wraps
  // every response and sends a body-less one as an empty chunked body with no
  // Content-Length: 0, which API clients then try to parse as JSON
  // (lib/api/handler.ts successResponse; test/unit/api/empty-success.test.ts).
  compress: false,
  // No other site may frame the control panel (clickjacking): tenant HTML
  // from Storage or Functions is served on sibling subdomains. HSTS is added
  // by nginx on the TLS server (lib/proxy/render-nginx-config.ts), where the
  // scheme is known at run time; these headers are fixed at build time.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
