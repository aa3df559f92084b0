// The per-project settings of a stack's Supavisor that the template cannot
// carry: its own TLS certificate (lib/crypto/pooler-ca.ts) and its own Erlang
// release cookie. Pure.
import { createHmac } from "node:crypto";
import { TemplateError } from "@/lib/stack/template";
import type { ServiceSpec } from "@/lib/stack/types";

const POOLER_TLS_CERT = "/etc/supavisor/tls/server.crt";
const POOLER_TLS_KEY = "/etc/supavisor/tls/server.key";

/** A project's Erlang release cookie: an HMAC of its SECRET_KEY_BASE (letters and digits, as cookies are atoms). */
export function releaseCookie(secretKeyBase: string): string {
  return createHmac("sha256", secretKeyBase).update("supafleet release cookie").digest("hex");
}

/** Sets the supavisor service's cookie and, when given, its certificate (in place). */
export function applyPoolerSettings(services: ServiceSpec[], opts: { secretKeyBase: string; tls?: { certPem: string; keyPem: string } }): void {
  const pooler = services.find((s) => s.service === "supavisor");
  if (!pooler) {
    if (opts.tls) throw new TemplateError("poolerTls needs a supavisor service");
    return;
  }
  // Supavisor runs as a distributed Erlang node on the project network
  // (supabase/supavisor rel/env.sh.eex: RELEASE_DISTRIBUTION=name on the
  // container's address). Without RELEASE_COOKIE, Elixir's release script
  // takes releases/COOKIE, fixed at image build, the same in every stack: a
  // tenant's code could then connect to its pooler's node. A cookie of its own
  // per project, derived from the project's SECRET_KEY_BASE (secret, stable,
  // so a restart or a Swarm converge sees no change).
  pooler.env.RELEASE_COOKIE = releaseCookie(opts.secretKeyBase);
  // Supavisor terminates TLS for Postgres clients when told where its
  // certificate is (GLOBAL_DOWNSTREAM_*; it refuses to start if the files are
  // missing, so the variables exist only together with the files).
  if (opts.tls) {
    pooler.env.GLOBAL_DOWNSTREAM_CERT_PATH = POOLER_TLS_CERT;
    pooler.env.GLOBAL_DOWNSTREAM_KEY_PATH = POOLER_TLS_KEY;
    pooler.files.push(
      { path: POOLER_TLS_CERT, content: opts.tls.certPem, mode: 0o644, uid: 0, gid: 0 },
      { path: POOLER_TLS_KEY, content: opts.tls.keyPem, mode: 0o600, uid: 0, gid: 0 },
    );
  }
}
