import { randomInt } from "node:crypto";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** 20 letters from the CSPRNG (~94 bits): unguessable, DNS- and Docker-safe. */
export function generateRef(): string {
  let ref = "";
  for (let i = 0; i < 20; i++) ref += LETTERS[randomInt(LETTERS.length)];
  return ref;
}
