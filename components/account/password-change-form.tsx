"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { changePasswordAction } from "@/app/account/security/actions";
import { Alert } from "@/components/ui/alert";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { NewPasswordField } from "@/components/auth/new-password-field";

export function PasswordChangeForm() {
  const router = useRouter();
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal } = useFieldErrors();
  const [done, setDone] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const newPassword = String(form.get("newPassword") ?? "");
    setPending(true);
    setError(null);
    setDone(false);
    const res = await changePasswordAction({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword });
    if (!res.ok) {
      setPending(false);
      showRefusal(res);
      return;
    }
    // Every session, this one too, is now signed out; the ticket signs this browser back in.
    const login = await signIn("credentials", { email: res.data.email, password: newPassword, ticket: res.data.ticket, redirect: false });
    setPending(false);
    setFieldErrors({});
    if (login?.error) {
      router.push("/login");
      return;
    }
    formEl.reset();
    setDone(true);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="max-w-sm space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      {done && <Alert tone="success">Password changed. Your other sessions were signed out.</Alert>}
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={fieldErrors.currentPassword} />
      <NewPasswordField label="New password" name="newPassword" errors={fieldErrors.newPassword} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
