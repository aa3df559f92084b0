import type { NextConfig } from "next";

// Native and Docker-talking packages must stay out of the server bundle:
// they are loaded from node_modules at run time.
const nextConfig: NextConfig = {
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    "dockerode",
    "ssh2",
    "cpu-features",
    "@node-rs/argon2",
    "rate-limiter-flexible",
  ],
  poweredByHeader: false,
};

export default nextConfig;
