// The certificates Supafleet issued itself (ACME): each host's expiry, the
// last error and the next attempt; a warning when any expires within 14 days
// (renewal normally happens at two thirds of the lifetime, so a warning means
// renewals have been failing).
import type { CertificateRow } from "@/lib/admin/console";
import { EXPIRY_WARNING_MS } from "@/lib/acme/schedule";

const LEVEL_TEXT = { ok: "valid", warning: "expires soon", expired: "expired", none: "not issued yet" } as const;
const LEVEL_CLASS = { ok: "text-emerald-700", warning: "text-amber-700", expired: "text-red-600", none: "text-zinc-500" } as const;

const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

export function CertificatesCard({ certificates }: { certificates: CertificateRow[] }) {
  const urgent = certificates.filter((c) => c.level === "warning" || c.level === "expired");
  return (
    <div className="space-y-3 text-sm">
      {urgent.length > 0 && (
        <p role="alert" className="text-red-600" data-testid="certificate-warning">
          {urgent.length} certificate{urgent.length === 1 ? "" : "s"} expire{urgent.length === 1 ? "s" : ""} within {EXPIRY_WARNING_MS / 86_400_000} days or
          {urgent.length === 1 ? " has" : " have"} expired: {urgent.map((c) => c.hostname).join(", ")}. See the last error below.
        </p>
      )}
      {certificates.length === 0 ? (
        <p className="text-zinc-600">No certificate yet: the first is requested for the panel&apos;s domain within a minute of start.</p>
      ) : (
        <table className="w-full text-left text-xs" data-testid="certificates">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1">Host</th>
              <th>State</th>
              <th>Expires</th>
              <th>Next attempt</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {certificates.map((c) => (
              <tr key={c.hostname} className="border-t border-zinc-100 align-top">
                <td className="py-1 font-mono">{c.hostname}</td>
                <td className={LEVEL_CLASS[c.level]}>{LEVEL_TEXT[c.level]}</td>
                <td>{when(c.notAfter)}</td>
                <td>{when(c.nextAttemptAt)}</td>
                <td className="max-w-xs break-words text-red-600">{c.lastError ? `${c.lastError} (${c.failures} in a row, ${when(c.lastErrorAt)})` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
