"use client";
import { useState } from "react";

type FieldErrors = Record<string, string[]>;

/**
 * A form's answer shown the way every account and project form shows it: the
 * action's message above the form, each field's messages beside the field.
 */
export function useFieldErrors() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  /** A refused action: its message and its fields' messages. */
  const showRefusal = (res: { message: string; fieldErrors?: FieldErrors }) => {
    setError(res.message);
    setFieldErrors(res.fieldErrors ?? {});
  };
  /** The same schema as the server's, checked first: instant feedback on each field, the server still decides. False when it fails. */
  const checkFields = (parsed: { success: true } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } }) => {
    if (!parsed.success) setFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), [i.message]])));
    return parsed.success;
  };
  return { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields };
}
