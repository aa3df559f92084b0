import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmEmail } from "@/components/auth/confirm-email";

export const metadata = { title: "Confirm your email" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Confirm your email" subtitle="One click proves this address is yours." footer={null}>
      <ConfirmEmail token={typeof token === "string" ? token : ""} />
    </AuthCard>
  );
}
