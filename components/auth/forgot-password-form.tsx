"use client";
import { useState, type FormEvent } from "react";
import { requestPasswordResetAction } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

export function ForgotPasswordForm() {
  const { pending, setPending, error, setError, fieldErrors, showRefusal } = useFieldErrors();
  const [sent, setSent] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await requestPasswordResetAction({ email: String(form.get("email") ?? "") });
    setPending(false);
    if (!res.ok) {
      showRefusal(res);
      return;
    }
    setSent(true);
  }

  if (sent) {
    // The same words whether or not the address has an account.
    return <Alert tone="success">If an account uses that address, a reset link is on its way. It works once, for 30 minutes.</Alert>;
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={fieldErrors.email} />
      <Button type="submit" variant="brand" className="w-full" disabled={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
    </form>
  );
}
