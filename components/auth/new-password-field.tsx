import { Field } from "@/components/ui/field";

/** A password being chosen (sign-up, reset, change): the browser may suggest one, and the hint states the rule lib/validations/auth.ts checks. */
export function NewPasswordField({ label, name, errors }: { label: string; name: string; errors?: string[] }) {
  return <Field label={label} name={name} type="password" autoComplete="new-password" required hint="At least 10 characters." errors={errors} />;
}
