// The checks every value passes before it reaches nginx's config: nothing a
// user typed can end a directive or open a block (lib/proxy/render-nginx-config.ts).
import { InvalidProxyInputError } from "@/lib/errors";

const HOSTNAME = /^(?=.{1,200}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const PATH = /^\/[A-Za-z0-9._/-]*$/;
const SIZE = /^\d{1,6}[km]?$/;

export function isHostname(h: string): boolean {
  return HOSTNAME.test(h);
}

/** An IPv4 literal: nginx reaches it through a variable without a resolver. */
export function isIpv4(h: string): boolean {
  return IPV4.test(h);
}

export function port(p: number, what: string): number {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new InvalidProxyInputError(`${what} must be a port number, got ${String(p)}`);
  return p;
}

export function host(h: string | undefined, what: string): string {
  if (h === undefined) return "";
  if (!IPV4.test(h) && !HOSTNAME.test(h)) throw new InvalidProxyInputError(`${what} is not a host: ${JSON.stringify(h)}`);
  return h;
}

export function path(p: string, what: string): string {
  if (!PATH.test(p) || p.includes("..")) throw new InvalidProxyInputError(`${what} is not a safe absolute path: ${JSON.stringify(p)}`);
  return p;
}

export function size(s: string, what: string): string {
  if (!SIZE.test(s)) throw new InvalidProxyInputError(`${what} must look like 50m: ${JSON.stringify(s)}`);
  return s;
}

export function listen(l: { host?: string; port: number }, what: string, extra = ""): string {
  const h = host(l.host, `${what} host`);
  return `listen ${h ? `${h}:` : ""}${port(l.port, `${what} port`)}${extra};`;
}
