import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { getDb } from "@/lib/services";
import { peekAccountToken } from "@/lib/users/account-tokens";

export const metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const value = typeof token === "string" ? token : "";
  // Said before the password is typed; the form's own call still decides.
  const usable = value !== "" && (await peekAccountToken(getDb(), value, "reset_password"));
  return (
    <AuthCard
      title="Choose a new password"
      subtitle="Setting it signs out every session of the account."
      footer={
        <Link className="font-medium text-zinc-900 underline" href="/forgot-password">
          Ask for a new link
        </Link>
      }
    >
      {usable ? <ResetPasswordForm token={value} /> : <Alert>This link is invalid, already used or expired. Ask for a new one.</Alert>}
    </AuthCard>
  );
}
