// Production wiring of the proxy: the applier reads live projects from the
// database. One applier per process (the composition root's) so every apply
// goes through one queue.
import { dirname, join, resolve } from "node:path";
import type { Db } from "@/lib/db/client";
import type { Env } from "@/lib/env";
import { NginxApplier } from "@/lib/proxy/nginx-applier";
import { renderNginxConfig, type ProxyProject, type ProxySettings } from "@/lib/proxy/render-nginx-config";
import { certificateHostsOf, certificateStore, hostsNeedingCertificates, issuedCertificates } from "@/lib/acme/hosts";
import type { CertificateStore } from "@/lib/acme/certificate-store";
import { STATUS } from "@/lib/domain";
import { proxyCustomHost } from "@/lib/domains/hosts";

/** nginx's activity log, beside its other logs (the master opens it as root). */
export function activityLogPath(env: Env): string {
  return join(dirname(env.nginx.mainConf), "log", "activity.log");
}

export function proxySettings(env: Env): ProxySettings {
  return {
    rootDomain: env.rootDomain,
    scheme: env.publicScheme,
    appUpstream: { host: "127.0.0.1", port: env.appPort },
    httpListen: { port: env.nginx.httpPort },
    tls: env.nginx.tls ? { ...env.nginx.tls, httpsListen: { port: env.nginx.httpsPort } } : undefined,
    // The certificates themselves are read at each render (withIssuedCertificates).
    acme: env.acme ? { httpsListen: { port: env.nginx.httpsPort }, certificates: {} } : undefined,
    pagesDir: resolve(process.cwd(), "nginx/pages"),
    clientMaxBodySize: env.nginx.uploadLimit,
    activityLog: activityLogPath(env),
    limits: env.nginxLimits,
  };
}

export function loadProxyProjects(db: Db) {
  return async () => {
    const rows = await db.project.findMany({
      where: { status: { not: STATUS.REMOVED } },
      select: {
        ref: true,
        status: true,
        pausedBy: true,
        nodeAddress: true,
        ports: { where: { purpose: "KONG_HTTP" }, select: { port: true } },
        customDomain: { select: { hostname: true, status: true } },
      },
    });
    return rows.map((r) => ({
      ref: r.ref,
      status: r.status,
      pausedBy: r.pausedBy,
      kongPort: r.ports[0]?.port ?? null,
      upstreamHost: r.nodeAddress,
      customHost: proxyCustomHost(r.customDomain),
    }));
  };
}

/** With ACME on: each render points nginx at the complete certificate pairs on disk for the hosts it serves (custom hostnames too). */
export function renderWithCertificates(store: CertificateStore, hostsFor: (refs: string[]) => string[]): typeof renderNginxConfig {
  return (projects: ProxyProject[], settings: ProxySettings) => {
    const hosts = [...hostsFor(projects.map((p) => p.ref)), ...projects.flatMap((p) => (p.customHost ? [p.customHost.hostname] : []))];
    const acme = settings.acme ? { ...settings.acme, certificates: issuedCertificates(store, hosts) } : undefined;
    return renderNginxConfig(projects, { ...settings, acme });
  };
}

/** The process's proxy: nginx when it is enabled, else a no-op. Built once by the composition root (lib/services.ts). */
export function createProxy(env: Env, db: Db): { apply(): Promise<unknown> } {
  return env.nginx.enabled
    ? new NginxApplier({
        nginxBin: env.nginx.bin,
        mainConfPath: env.nginx.mainConf,
        siteConfPath: env.nginx.siteConf,
        loadProjects: loadProxyProjects(db),
        settings: proxySettings(env),
        render: env.acme ? renderWithCertificates(certificateStore(env), (refs) => hostsNeedingCertificates(certificateHostsOf(env), refs)) : undefined,
      })
    : { apply: async () => ({ changed: false, projects: 0, durationMs: 0, disabled: true }) };
}
