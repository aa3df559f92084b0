import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/services";
import { totpEnabled } from "@/lib/users/two-factor";
import { SiteHeader } from "@/components/site-header";
import { Alert } from "@/components/ui/alert";
import { PasswordChangeForm } from "@/components/account/password-change-form";
import { TwoFactorPanel } from "@/components/account/two-factor-panel";
import { VerifyEmailBanner } from "@/components/account/verify-email-banner";

export const metadata = { title: "Security" };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await getCurrentUser();
  if (!user) redirect("/login?callbackUrl=/account/security");
  const { required } = await searchParams;
  const enabled = await totpEnabled(getDb(), user.id);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <h1 className="text-2xl font-semibold tracking-tight">Security</h1>
        {required === "totp" && user.role === "ADMIN" && !enabled && (
          <Alert>Administrators must set up two-factor authentication before the admin console works.</Alert>
        )}
        <VerifyEmailBanner userId={user.id} email={user.email} />
        <section className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm">
          <h2 className="mb-3 font-medium">Two-factor authentication</h2>
          <TwoFactorPanel enabled={enabled} isAdmin={user.role === "ADMIN"} />
        </section>
        <section className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm">
          <h2 className="mb-3 font-medium">Password</h2>
          <PasswordChangeForm />
        </section>
      </main>
    </>
  );
}
