import { createCipheriv, createDecipheriv, createHash, hash, randomBytes } from "node:crypto";
import { env } from "../env";

// AES-256-GCM sealing for secrets at rest (issuer config, signing keys, one-time credentials).
// The seal key is its own secret, never the session secret: rotating AUTH_SECRET must not make
// every issuer secret unreadable. Keys form a ring: HOURGLASS_SECRET_KEY is the newest and seals
// everything new; HOURGLASS_SECRET_KEYS_OLD (comma-separated) still opens what older keys sealed,
// until `npm run keys:reseal` has sealed it again with the newest.
// Format: "v2.<key id>." + base64url(iv | tag | ciphertext). "v1." (no key id) is still opened.

type SealKey = { id: string; key: Buffer };

/** A key's id: derived from the key, so the same key always has the same id and ids never collide by accident. */
export function sealKeyId(secret: string): string {
  return createHash("sha256").update(`hourglass-seal-key-id:${secret}`).digest("hex").slice(0, 16);
}

export class SealKeyMissingError extends Error {
  constructor() {
    super(
      "HOURGLASS_SECRET_KEY is not set. It seals issuer secrets, signing keys and credentials at rest; every replica on one " +
        "database needs the same value (at least 32 characters, e.g. `openssl rand -base64 32`). Only the embedded local " +
        "install makes its own (kept in its data folder).",
    );
    this.name = "SealKeyMissingError";
  }
}

let cached: { spec: string; ring: SealKey[] } | undefined;

function ring(): SealKey[] {
  const newest = env.HOURGLASS_SECRET_KEY;
  if (!newest) throw new SealKeyMissingError();
  const old = (env.HOURGLASS_SECRET_KEYS_OLD ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const spec = [newest, ...old].join("\n");
  if (cached?.spec === spec) return cached.ring;
  for (const s of old) if (s.length < 32) throw new Error("Every key in HOURGLASS_SECRET_KEYS_OLD must be at least 32 characters");
  const keys = [newest, ...old].map((secret) => ({ id: sealKeyId(secret), key: createHash("sha256").update(`hourglass-seal:${secret}`).digest() }));
  cached = { spec, ring: keys };
  return keys;
}

/** Fails with a clear message when no seal key is configured (start-up checks). */
export function assertSealKeyConfigured(): void {
  ring();
}

/** The id of the key that seals new values. */
export function currentSealKeyId(): string {
  return ring()[0].id;
}

/** The id of the key a value was sealed with, or null for the old format without one. */
export function sealedKeyId(sealed: string): string | null {
  const m = /^v2\.([0-9a-f]{16})\./.exec(sealed);
  return m ? m[1] : null;
}

export function seal(plaintext: string): string {
  const { id, key } = ring()[0];
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v2.${id}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

function open(key: Buffer, raw: Buffer): string {
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

export function unseal(sealed: string): string {
  const keys = ring();
  if (sealed.startsWith("v2.")) {
    const id = sealedKeyId(sealed);
    const k = keys.find((x) => x.id === id);
    if (!k) throw new Error(`Sealed with key ${id ?? "?"}, which is not in HOURGLASS_SECRET_KEY or HOURGLASS_SECRET_KEYS_OLD`);
    return open(k.key, Buffer.from(sealed.slice(20), "base64url"));
  }
  if (!sealed.startsWith("v1.")) throw new Error("Unknown sealed format");
  const raw = Buffer.from(sealed.slice(3), "base64url");
  for (const k of keys) {
    try {
      return open(k.key, raw);
    } catch {
      // sealed with another key of the ring
    }
  }
  throw new Error("Sealed with a key that is not in HOURGLASS_SECRET_KEY or HOURGLASS_SECRET_KEYS_OLD");
}

export function sealJson(value: unknown): string {
  return seal(JSON.stringify(value));
}

export function unsealJson<T>(sealed: string): T {
  return JSON.parse(unseal(sealed)) as T;
}

export function sha256Hex(value: string): string {
  // The one-shot digest: about three times as fast as createHash for the short strings of the audit chain.
  return hash("sha256", value, "hex");
}
