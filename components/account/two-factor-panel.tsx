"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { beginTotpAction, confirmTotpAction, disableTotpAction } from "@/app/account/security/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

export function TwoFactorPanel({ enabled, isAdmin }: { enabled: boolean; isAdmin: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [enrolment, setEnrolment] = useState<{ key: string; uri: string } | null>(null);

  async function begin() {
    setPending(true);
    setError(null);
    const res = await beginTotpAction();
    setPending(false);
    if (!res.ok) return setError(res.message);
    setEnrolment(res.data);
  }

  async function confirm(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get("totpCode") ?? "");
    setPending(true);
    setError(null);
    const res = await confirmTotpAction(code);
    setPending(false);
    if (!res.ok) return setError(res.message);
    setEnrolment(null);
    router.refresh();
  }

  async function disable(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await disableTotpAction({ password: String(form.get("totpPassword") ?? ""), code: String(form.get("totpCode") ?? "") });
    setPending(false);
    if (!res.ok) return setError(res.message);
    router.refresh();
  }

  if (enabled) {
    return (
      <div className="max-w-sm space-y-4">
        <Alert tone="success">Two-factor authentication is on: logging in asks for a code from your authenticator app.</Alert>
        {error && <Alert>{error}</Alert>}
        {isAdmin ? (
          <p className="text-sm text-zinc-500">Administrators must keep it on.</p>
        ) : (
          <form onSubmit={disable} className="space-y-4">
            <Field label="Password" name="totpPassword" type="password" autoComplete="current-password" required />
            <Field label="Current code" name="totpCode" inputMode="numeric" autoComplete="one-time-code" required />
            <Button type="submit" variant="secondary" disabled={pending}>
              Turn off
            </Button>
          </form>
        )}
      </div>
    );
  }
  if (enrolment) {
    return (
      <div className="max-w-lg space-y-4">
        {error && <Alert>{error}</Alert>}
        <p className="text-sm text-zinc-600">Add this key to your authenticator app (time-based, 6 digits, 30 seconds), then enter the code it shows.</p>
        <code data-testid="totp-key" className="block break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm">
          {enrolment.key}
        </code>
        <a href={enrolment.uri} className="text-sm text-brand-700 underline">
          Open in an authenticator app
        </a>
        <form onSubmit={confirm} className="max-w-sm space-y-4">
          <Field label="Code from the app" name="totpCode" inputMode="numeric" autoComplete="one-time-code" required />
          <Button type="submit" disabled={pending}>
            Turn on
          </Button>
        </form>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      {error && <Alert>{error}</Alert>}
      <p className="text-sm text-zinc-600">Protect your account with a code from an authenticator app at every login.</p>
      <Button type="button" onClick={() => void begin()} disabled={pending}>
        Set up two-factor authentication
      </Button>
    </div>
  );
}
