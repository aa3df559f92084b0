// The TSIG secret: from the environment or a file only its owner can read.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tsigSecretOf } from "@/lib/acme/dns/from-env";
import { tempFolder } from "@/test/support/temp-folder";

const tmp = tempFolder("dns-secret");
const b64 = Buffer.alloc(32, 5).toString("base64");

describe("the TSIG secret", () => {
  it("comes from the setting or from a 0600 file", () => {
    expect(tsigSecretOf({ secret: b64 })).toEqual(Buffer.alloc(32, 5));
    const file = join(tmp, "tsig");
    writeFileSync(file, `${b64}\n`, { mode: 0o600 });
    expect(tsigSecretOf({ secretFile: file })).toEqual(Buffer.alloc(32, 5));
  });

  it("refuses a file others can read (naming the mode, not the secret) and a secret too short", () => {
    const file = join(tmp, "open");
    writeFileSync(file, b64);
    chmodSync(file, 0o644);
    expect(() => tsigSecretOf({ secretFile: file })).toThrow(/chmod 600\), not 644/);
    expect(() => tsigSecretOf({ secretFile: file })).not.toThrow(new RegExp(b64.slice(0, 10)));
    expect(() => tsigSecretOf({ secret: Buffer.alloc(8).toString("base64") })).toThrow(/at least 16 bytes/);
  });
});
