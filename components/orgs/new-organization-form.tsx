"use client";
import type { FormEvent } from "react";
import { useRouter } from "next/navigation";
import { createOrganizationAction } from "@/app/organizations/actions";
import { createOrganizationSchema } from "@/lib/validations/organization";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

export function NewOrganizationForm() {
  const router = useRouter();
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields } = useFieldErrors();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const input = { name: String(new FormData(e.currentTarget).get("name") ?? "") };
    if (!checkFields(createOrganizationSchema.safeParse(input))) return;
    setPending(true);
    setError(null);
    setFieldErrors({});
    const res = await createOrganizationAction(input);
    setPending(false);
    if (!res.ok) return showRefusal(res);
    router.push(`/organizations/${res.data.slug}`);
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start" noValidate data-testid="new-organization">
      {error && (
        <div className="sm:col-span-2">
          <Alert>{error}</Alert>
        </div>
      )}
      <Field label="Name" name="name" placeholder="Acme" required errors={fieldErrors.name} />
      <div className="pt-6">
        <Button type="submit" variant="brand" disabled={pending}>
          {pending ? "Creating…" : "Create organization"}
        </Button>
      </div>
    </form>
  );
}
