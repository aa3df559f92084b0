"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { signUpAction } from "@/app/signup/actions";
import { signUpSchema } from "@/lib/validations/auth";
import { Field } from "@/components/ui/field";
import { NewPasswordField } from "@/components/auth/new-password-field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { useFieldErrors } from "@/components/hooks/use-field-errors";

export function SignUpForm() {
  const router = useRouter();
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields } = useFieldErrors();
  const [held, setHeld] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") };
    // Same schema as the server: instant feedback, the server still decides.
    if (!checkFields(signUpSchema.safeParse(input))) {
      setError(null);
      return;
    }
    setPending(true);
    setFieldErrors({});
    setError(null);
    const res = await signUpAction(input);
    if (!res.ok) {
      setPending(false);
      showRefusal(res);
      return;
    }
    if (res.data.pendingApproval) {
      setPending(false);
      setHeld(true);
      return;
    }
    const login = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
    if (login?.error) {
      setPending(false);
      setError("Account created, but signing in failed. Please log in.");
      return;
    }
    router.push("/dashboard");
    router.refresh();
  }

  if (held) {
    return <Alert tone="success">Account created. An administrator must approve it before you can log in; try logging in later.</Alert>;
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && <Alert>{error}</Alert>}
      <Field label="Name" name="name" autoComplete="name" placeholder="Ada Lovelace" errors={fieldErrors.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={fieldErrors.email} />
      <NewPasswordField label="Password" name="password" errors={fieldErrors.password} />
      <Button type="submit" variant="brand" className="w-full" disabled={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
