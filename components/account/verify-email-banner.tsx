// Shown to an owner whose address is not confirmed while the installation has
// SMTP settings: why creating projects is refused, and how to fix it.
import { Alert } from "@/components/ui/alert";
import { ResendVerificationButton } from "@/components/account/resend-verification-button";
import { verificationStateOf } from "@/lib/users/accounts-runtime";

export async function VerifyEmailBanner({ userId, email }: { userId: string; email: string }) {
  if ((await verificationStateOf(userId)) !== "unverified") return null;
  return (
    <div className="mt-6 space-y-2" data-testid="verify-email-banner">
      <Alert tone="info">
        Confirm your email address ({email}) before creating projects: open the link we mailed you. No mail? Check spam, or send it again.
      </Alert>
      <ResendVerificationButton />
    </div>
  );
}
