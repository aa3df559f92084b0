// AES-256-GCM envelope for project secrets at rest. The ref is bound as
// additional authenticated data, so a ciphertext copied onto another project
// row fails to decrypt instead of handing that project someone else's keys.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SecretDecryptError } from "@/lib/errors";

const VERSION = "v1";

function checkKey(masterKey: Buffer): void {
  if (masterKey.length !== 32) throw new SecretDecryptError("The master key must be 32 bytes.");
}

export function encryptSecrets(masterKey: Buffer, ref: string, plaintext: string): string {
  checkKey(masterKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(ref, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptSecrets(masterKey: Buffer, ref: string, envelope: string): string {
  checkKey(masterKey);
  const [version, iv, tag, body, ...rest] = envelope.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined || rest.length) throw new SecretDecryptError("Unknown secrets format.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(ref, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    // GCM says only "unable to authenticate": wrong key, wrong ref or tampering.
    throw new SecretDecryptError();
  }
}
