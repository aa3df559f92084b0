// One line on the admin console about how accounts are protected here.
import { Alert } from "@/components/ui/alert";
import { mailConfigured } from "@/lib/users/accounts-runtime";

export function AccountsNotice() {
  if (mailConfigured()) return null;
  return (
    <div data-testid="unverified-signups">
      <Alert tone="info">
        Sign-ups are unverified: this installation has no SMTP settings (SUPAFLEET_SMTP_HOST, SUPAFLEET_SMTP_FROM), so new accounts do not confirm their email
        and passwords cannot be reset by mail.
      </Alert>
    </div>
  );
}
