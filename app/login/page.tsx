import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";

export const metadata = { title: "Log in" };

/** Only same-site paths: an open redirect would make the login page a phishing tool. */
function safeCallback(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.startsWith("/") && !v.startsWith("//") ? v : "/dashboard";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <AuthCard title="Welcome back" subtitle="Log in to manage your projects." footer={<>No account yet? <Link className="font-medium text-zinc-900 underline" href="/signup">Sign up</Link></>}>
      <LoginForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
