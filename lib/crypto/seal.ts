import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { env } from "../env";

// AES-256-GCM sealing for secrets at rest (issuer config, one-time credentials).
// Format: "v1." + base64url(iv | tag | ciphertext).

function key(): Buffer {
  const secret = env.HOURGLASS_SECRET_KEY ?? env.AUTH_SECRET;
  if (!secret) throw new Error("HOURGLASS_SECRET_KEY (or AUTH_SECRET) is required to seal secrets");
  return createHash("sha256").update(`hourglass-seal:${secret}`).digest();
}

export function seal(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

export function unseal(sealed: string): string {
  if (!sealed.startsWith("v1.")) throw new Error("Unknown sealed format");
  const raw = Buffer.from(sealed.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

export function sealJson(value: unknown): string {
  return seal(JSON.stringify(value));
}

export function unsealJson<T>(sealed: string): T {
  return JSON.parse(unseal(sealed)) as T;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
