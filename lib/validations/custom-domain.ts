// A project's custom hostname as its owner types it (issue 29). Strict: a
// lowercase DNS name of at least two labels, no wildcard, no IP literal, and
// never a name under the installation's own domain (those are projects'
// <ref>.<domain> names and the panel's). Upstream's body is
// { custom_hostname: string, 1..253 } (UpdateCustomHostnameBody in
// supabase/cli packages/api/src/generated/openapi.json @627e534b).
import { z } from "zod";

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// A top-level label is never all digits (RFC 3696 §2): this is also what keeps IPv4 literals out.
const TLD = /^(?=.*[a-z])[a-z0-9-]{2,63}$/;

/** Why `name` is not a custom hostname for an installation on `rootDomain`, or null when it is one. */
export function customHostnameProblem(name: string, rootDomain: string): string | null {
  if (name.length < 4 || name.length > 253) return "Use a hostname of 4 to 253 characters.";
  if (name !== name.toLowerCase()) return "Use lowercase letters only.";
  if (name.includes("*")) return "Wildcard hostnames are not supported: add one exact hostname.";
  if (name.includes(":") || /^[\d.]+$/.test(name)) return "Use a hostname, not an IP address.";
  if (name.endsWith(".")) return "Leave out the trailing dot.";
  const labels = name.split(".");
  if (labels.length < 2) return "Use a full hostname, such as api.example.com.";
  if (!labels.every((l) => LABEL.test(l))) return "Use letters, digits and hyphens in each part, with no hyphen at either end.";
  if (!TLD.test(labels[labels.length - 1]!)) return "The last part must be a top-level domain, not a number.";
  const root = rootDomain.toLowerCase();
  if (name === root || name.endsWith(`.${root}`)) return `Names under ${root} are this server's own; use a domain you control.`;
  // Names no resolver answers (RFC 6761 §6.3, §6.4): nothing could ever be verified.
  if (/\.(localhost|invalid)$/.test(name)) return "Use a real domain name: .localhost and .invalid names cannot be verified.";
  return null;
}

export function customHostnameSchema(rootDomain: string) {
  return z.object({
    custom_hostname: z
      .string()
      .trim()
      .min(1, "Enter a hostname.")
      .max(253, "Use at most 253 characters.")
      .superRefine((v, ctx) => {
        const problem = customHostnameProblem(v, rootDomain);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  });
}
