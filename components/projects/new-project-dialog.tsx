"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { createProjectAction } from "@/app/dashboard/actions";
import { createProjectSchema } from "@/lib/validations/project";
import { Button } from "@/components/ui/button";
import { DialogActions, ModalDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Alert } from "@/components/ui/alert";
import { useFieldErrors } from "@/components/hooks/use-field-errors";

/**
 * The button stays clickable at the limit: the server's answer names the
 * exact reason (quota, host capacity, rate limit), shown in the dialog;
 * `notice` is a hint beside it beforehand.
 */
export function NewProjectDialog({ notice, organizations = [] }: { notice?: string; organizations?: Array<{ slug: string; name: string }> }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields } = useFieldErrors();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { name: String(form.get("name") ?? ""), region: String(form.get("region") ?? ""), organization: String(form.get("organization") ?? "") };
    if (!checkFields(createProjectSchema.safeParse(input))) return;
    setPending(true);
    setError(null);
    setFieldErrors({});
    const res = await createProjectAction(input);
    if (!res.ok) {
      setPending(false);
      showRefusal(res);
      return;
    }
    router.push(`/project/${res.data.ref}`);
  }

  return (
    <>
      <ModalDialog
        open={open}
        onOpenChange={(o) => {
          setOpen(o);
          setError(null);
          setFieldErrors({});
        }}
        trigger={
          <Button variant="brand" title={notice}>
            + New project
          </Button>
        }
        title="New project"
        description="A complete Supabase stack with its own database, keys and subdomain."
      >
        <form onSubmit={onSubmit} className="mt-5 space-y-4" noValidate>
          {error && <Alert>{error}</Alert>}
          <Field label="Project name" name="name" placeholder="My app" autoFocus required errors={fieldErrors.name} />
          {organizations.length > 1 && (
            <div className="space-y-1.5">
              <label htmlFor="field-organization" className="block text-sm font-medium text-zinc-700">
                Organization
              </label>
              <Select id="field-organization" name="organization" className="block w-full py-2" defaultValue={organizations[0]!.slug}>
                {organizations.map((o) => (
                  <option key={o.slug} value={o.slug}>
                    {o.name}
                  </option>
                ))}
              </Select>
            </div>
          )}
          <Field label="Region label (optional)" name="region" placeholder="home-lab" hint="A label for your own bookkeeping." errors={fieldErrors.region} />
          <DialogActions>
            <Button type="submit" variant="brand" disabled={pending}>
              {pending ? "Creating…" : "Create project"}
            </Button>
          </DialogActions>
        </form>
      </ModalDialog>
      {notice && (
        <span className="ml-2 text-xs text-zinc-500" data-testid="new-project-notice">
          {notice}
        </span>
      )}
    </>
  );
}
