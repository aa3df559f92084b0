# Supafleet itself: the Next.js app and the nginx that fronts every project.
# Runs with the host network (project gateways listen on the host's
# 127.0.0.1) and the host's Docker socket (it manages sibling containers).
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx tini python3 make g++ ca-certificates iptables \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN NEXT_TELEMETRY_DISABLED=1 npx next build

ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    SUPAFLEET_DATA_DIR=/var/lib/supafleet
VOLUME ["/var/lib/supafleet"]
EXPOSE 80 443
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["bash", "scripts/serve.sh"]
