// The mails, as supabase/auth v2.196.0 (@0204331) sends them.
// Link: internal/mailer/templatemailer/templatemailer.go getPath (the URL
// path from GOTRUE_MAILER_URLPATHS_*, query token=…&type=…&redirect_to=…,
// redirect escaped only when it holds &, = or #), resolved against
// API_EXTERNAL_URL with url.ResolveReference: an absolute path REPLACES the
// external URL's path (templatemailer_url_test.go "removedpath").
// Body: the default confirmation template through html/template (the link
// sits in an href attribute: URL-normalised, then &, ', ", <, >, + escaped).
// Subject "Confirm your email address" (defaultTemplateSubjects).
// Transport: internal/mailer/mailmeclient/mailmeclient.go, gomail v2: From
// = gomail FormatAddress(GOTRUE_SMTP_ADMIN_EMAIL, GOTRUE_SMTP_SENDER_NAME),
// EHLO name = API_EXTERNAL_URL's host name, implicit TLS on port 465, else
// STARTTLS when the server offers it (certificate verified), AUTH with
// GOTRUE_SMTP_USER/PASS only when the server offers AUTH; Go's PLAIN auth
// refuses an unencrypted connection to anything but localhost. (gomail's
// own source was not in the stored snapshots: its behaviour here is from its
// documentation of Dialer and net/smtp's PlainAuth.)
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import MailComposer from "nodemailer/lib/mail-composer/index.js";

/** Go url.QueryEscape */
export function queryEscape(s) {
  return Array.from(Buffer.from(s, "utf8"))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === " ") return "+";
      return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

export function mailLink(externalURL, urlPath, token, type, redirectTo) {
  const redirect = /[&=#]/.test(redirectTo) ? queryEscape(redirectTo) : redirectTo;
  const query = `token=${queryEscape(token)}&type=${queryEscape(type)}&redirect_to=${redirect}`;
  const base = new URL(externalURL);
  const path = urlPath === "" ? base.pathname.replace(/^\/$/, "") : new URL(urlPath, base).pathname;
  return `${base.origin}${path}?${query}`;
}

/** html/template in an href: urlNormalizer then attrEscaper. */
function hrefEscape(url) {
  const normalized = url.replace(/[^A-Za-z0-9\-_.~!#$&*+,/:;=?@[\]%']/g, (c) =>
    Array.from(Buffer.from(c, "utf8"))
      .map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`)
      .join(""),
  );
  return normalized.replace(/[&'"<>+]/g, (c) => ({ "&": "&amp;", "'": "&#39;", '"': "&#34;", "<": "&lt;", ">": "&gt;", "+": "&#43;" })[c]);
}

export function confirmationBody(link) {
  return `<h2>Confirm your email address</h2>
<p>Follow the link below to confirm this email address and finish signing up.</p>
<p><a href="${hrefEscape(link)}">Confirm email address</a></p>
`;
}

const isLocalhost = (h) => h === "localhost" || h === "127.0.0.1" || h === "::1";

function step(fn) {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

export async function sendMail(config, to, subject, html) {
  const smtp = config.smtp;
  const from = smtp.senderName ? { name: smtp.senderName, address: smtp.adminEmail } : smtp.adminEmail;
  const message = await step((cb) => new MailComposer({ from, to, subject, html }).compile().build(cb));
  const conn = new SMTPConnection({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.port === 465,
    name: config.externalURLParsed.hostname,
    tls: { servername: smtp.host, rejectUnauthorized: true },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 10_000,
  });
  conn.on("error", () => {});
  try {
    await step((cb) => conn.connect(cb));
    if (smtp.user !== "" && conn.allowsAuth) {
      const methods = conn._supportedAuth ?? [];
      let method = "PLAIN";
      if (methods.includes("CRAM-MD5")) method = "CRAM-MD5";
      else if (methods.includes("LOGIN") && !methods.includes("PLAIN")) method = "LOGIN";
      if (method !== "CRAM-MD5" && !conn.secure && !isLocalhost(smtp.host)) throw new Error("unencrypted connection");
      await step((cb) => conn.login({ user: smtp.user, pass: smtp.pass, method }, cb));
    }
    await step((cb) => conn.send({ from: smtp.adminEmail, to: [to] }, message, cb));
    conn.quit();
  } finally {
    conn.close();
  }
}
