"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

// authorize() throws our error codes; these are the sentences for them.
const MESSAGES: Record<string, string> = {
  invalid_credentials: "Wrong email or password.",
  account_disabled: "This account is disabled. Contact an administrator.",
  account_pending: "Your account is waiting for an administrator's approval. You can log in once it is approved.",
  validation_failed: "Enter your email and password.",
  totp_required: "Enter the 6-digit code from your authenticator app.",
  invalid_totp: "That code is not right (or was already used). Enter the current code from your authenticator app.",
};

/** "rate_limited:<seconds>" (see lib/auth/options.ts) → a sentence with the wait. */
function messageFor(error: string): string {
  const limited = /^rate_limited:(\d+)$/.exec(error);
  if (limited) return `Too many failed log-ins. Try again in ${limited[1]} s.`;
  return MESSAGES[error] ?? "Could not sign in. Please try again.";
}

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // After the password was right: the account has two-factor authentication.
  const [needsCode, setNeedsCode] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      code: String(form.get("code") ?? ""),
      redirect: false,
    });
    if (!res || res.error) {
      setPending(false);
      if (res?.error === "totp_required") {
        setNeedsCode(true);
        setError(null);
        return;
      }
      setError(messageFor(res?.error ?? ""));
      return;
    }
    router.push(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      {error && <Alert>{error}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {needsCode && (
        <Field
          label="Two-factor code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          autoFocus
          hint="The 6-digit code from your authenticator app."
        />
      )}
      <Button type="submit" variant="brand" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Log in"}
      </Button>
      <p className="text-center text-sm">
        <Link className="text-zinc-500 underline" href="/forgot-password">
          Forgot your password?
        </Link>
      </p>
    </form>
  );
}
