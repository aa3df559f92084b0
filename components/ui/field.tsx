import type { InputHTMLAttributes } from "react";
import { Input } from "@/components/ui/input";

export function Field({
  label,
  name,
  errors,
  hint,
  ...input
}: { label: string; name: string; errors?: string[]; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = `field-${name}`;
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
        {label}
      </label>
      <Input id={id} name={name} aria-invalid={errors?.length ? true : undefined} aria-describedby={errorId} {...input} />
      {hint && !errors?.length && <p className="text-xs text-zinc-500">{hint}</p>}
      {errors?.map((e) => (
        <p key={e} id={errorId} className="text-xs text-red-600">
          {e}
        </p>
      ))}
    </div>
  );
}
