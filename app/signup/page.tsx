import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getAccountServices } from "@/lib/services";
import { AuthCard } from "@/components/auth/auth-card";
import { SignUpForm } from "@/components/auth/signup-form";
import { Alert } from "@/components/ui/alert";

export const metadata = { title: "Sign up" };

export default async function SignUpPage() {
  if (await getCurrentUser()) redirect("/dashboard");
  const { signupEnabled } = await getAccountServices().settings.get();
  return (
    <AuthCard
      title="Create your account"
      subtitle="Get a complete Supabase stack in a minute."
      footer={
        <>
          Already have an account?{" "}
          <Link className="font-medium text-zinc-900 underline" href="/login">
            Log in
          </Link>
        </>
      }
    >
      {signupEnabled ? <SignUpForm /> : <Alert tone="info">Sign-up is switched off on this server. Ask an administrator for an account.</Alert>}
    </AuthCard>
  );
}
