import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecrets, encryptSecrets } from "@/lib/crypto/secret-box";
import { SecretDecryptError } from "@/lib/errors";

describe("secret box (AES-256-GCM)", () => {
  const key = randomBytes(32);
  const ref = "aaaaaaaaaaaaaaaaaaaa";
  const plain = JSON.stringify({ jwtSecret: "s3cret", postgresPassword: "pw" });

  it("round-trips and never stores the plaintext", () => {
    const box = encryptSecrets(key, ref, plain);
    expect(box).not.toContain("s3cret");
    expect(box.startsWith("v1.")).toBe(true);
    expect(decryptSecrets(key, ref, box)).toBe(plain);
    expect(encryptSecrets(key, ref, plain)).not.toBe(box); // fresh IV each time
  });

  it("refuses a wrong key, another project's ref, and any tampering", () => {
    const box = encryptSecrets(key, ref, plain);
    expect(() => decryptSecrets(randomBytes(32), ref, box)).toThrow(SecretDecryptError);
    expect(() => decryptSecrets(key, "bbbbbbbbbbbbbbbbbbbb", box)).toThrow(SecretDecryptError);
    const parts = box.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptSecrets(key, ref, [parts[0], parts[1], parts[2], body.toString("base64url")].join("."))).toThrow(SecretDecryptError);
    expect(() => decryptSecrets(key, ref, "v2.x.y.z")).toThrow(SecretDecryptError);
  });
});
