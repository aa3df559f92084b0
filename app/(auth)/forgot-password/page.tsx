import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { Alert } from "@/components/ui/alert";
import { mailConfigured } from "@/lib/users/accounts-runtime";

export const metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard
      title="Forgot your password?"
      subtitle="We mail you a link to choose a new one."
      footer={
        <Link className="font-medium text-zinc-900 underline" href="/login">
          Back to log in
        </Link>
      }
    >
      {mailConfigured() ? (
        <ForgotPasswordForm />
      ) : (
        <Alert tone="info">This installation sends no mail, so passwords cannot be reset by email. Ask an administrator.</Alert>
      )}
    </AuthCard>
  );
}
