// The admin console's certificates card: the 14-day warning names the hosts, and each row shows expiry and the last error.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CertificatesCard } from "@/components/admin/certificates-card";
import { expiryLevel } from "@/lib/acme/schedule";
import type { CertificateRow } from "@/lib/admin/console";

const now = new Date("2026-12-07T12:00:00Z");
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
function row(hostname: string, notAfter: Date | null, lastError: string | null = null): CertificateRow {
  return {
    hostname,
    notBefore: notAfter ? days(-80) : null,
    notAfter,
    issuedAt: null,
    failures: lastError ? 3 : 0,
    lastError,
    lastErrorAt: lastError ? now : null,
    nextAttemptAt: days(0.1),
    level: expiryLevel(notAfter, now),
  };
}

describe("CertificatesCard", () => {
  it("warns about a certificate within 14 days of expiry, with its last error", () => {
    const html = renderToStaticMarkup(
      createElement(CertificatesCard, {
        certificates: [row("fleet.example.com", days(60)), row("aaaaaaaaaaaaaaaaaaaa.fleet.example.com", days(10), "cannot reach the CA (ECONNREFUSED)")],
      }),
    );
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/1 certificate expires within 14 days or has expired: aaaaaaaaaaaaaaaaaaaa\.fleet\.example\.com/);
    expect(html).toContain("cannot reach the CA (ECONNREFUSED) (3 in a row");
    expect(html).toContain("2026-12-17 12:00 UTC");
  });

  it("shows no warning when every certificate is far from expiry or not issued yet", () => {
    const html = renderToStaticMarkup(
      createElement(CertificatesCard, { certificates: [row("fleet.example.com", days(60)), row("b.fleet.example.com", null)] }),
    );
    expect(html).not.toContain('role="alert"');
    expect(html).toContain("not issued yet");
  });
});
