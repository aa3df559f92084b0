// What the nginx renderer is given: the projects as the database knows them,
// and the installation's settings (lib/proxy/app-proxy.ts builds both).
import type { ProxyLimits } from "@/lib/proxy/nginx-limits";
import type { TlsSettings } from "@/lib/proxy/render-tls";

export interface ProxyProject {
  ref: string;
  status: string;
  kongPort: number | null;
  /** "idle": paused for idleness (INACTIVE) or waking from it (RESTORING): its requests pass the app's wake gate. */
  pausedBy?: string | null;
  /** The Swarm node address its gateway is published on; null/undefined: this host (127.0.0.1). */
  upstreamHost?: string | null;
  /**
   * Its custom hostname (lib/domains), once verified: `active` serves the
   * project there; before that nginx only answers the CA's HTTP-01 requests
   * for it, so its certificate can be issued before activation.
   */
  customHost?: { hostname: string; active: boolean } | null;
}

export interface ProxySettings {
  rootDomain: string;
  scheme: "http" | "https";
  appUpstream: { host: string; port: number };
  httpListen: { host?: string; port: number };
  tls?: { certPath: string; keyPath: string; httpsListen: { host?: string; port: number } };
  /** Certificates Supafleet issued itself, per host name (lib/proxy/render-tls.ts); the operator's `tls` wins where set. */
  acme?: TlsSettings["acme"];
  /** absolute directory holding paused.html, not-found.html, unavailable.html */
  pagesDir: string;
  /** Where every project request is logged as "<msec> <host>" (lib/proxy/activity.ts): the idle clock. */
  activityLog?: string;
  clientMaxBodySize: string;
  /** Per-client request and connection limits on the app and on gated projects; none: unlimited (tests that build their own). */
  limits?: ProxyLimits;
}
