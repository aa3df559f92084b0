// A custom hostname as the project page and the Management API show it (plain data).
import type { DnsRecord } from "@/lib/domains/records";
import type { CustomHostnameStatus } from "@/lib/domains/status";

export interface CustomDomainView {
  ref: string;
  hostname: string;
  status: CustomHostnameStatus;
  /** <ref>.<domain>: what the CNAME points at. */
  target: string;
  records: DnsRecord[];
  /** What the last verification did not find; null when it found everything (or none ran yet). */
  lastError: string | null;
  /** The URL the project is reached at once active. */
  url: string;
  createdAt: Date;
  verifiedAt: Date | null;
  activatedAt: Date | null;
}
