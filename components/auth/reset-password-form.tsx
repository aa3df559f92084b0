"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { resetPasswordAction } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Button } from "@/components/ui/button";
import { NewPasswordField } from "@/components/auth/new-password-field";

export function ResetPasswordForm({ token }: { token: string }) {
  const { pending, setPending, error, setError, fieldErrors, showRefusal } = useFieldErrors();
  const [done, setDone] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await resetPasswordAction({ token, password: String(form.get("password") ?? "") });
    setPending(false);
    if (!res.ok) {
      showRefusal(res);
      return;
    }
    setDone(true);
  }

  if (done) {
    return (
      <div className="space-y-4">
        <Alert tone="success">Password changed. Every session of this account was signed out.</Alert>
        <Link href="/login" className="block text-center text-sm font-medium text-zinc-900 underline">
          Log in with the new password
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      <NewPasswordField label="New password" name="password" errors={fieldErrors.password} />
      <Button type="submit" variant="brand" className="w-full" disabled={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
