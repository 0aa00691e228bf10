import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { env } from "../env";

// The key that signs audit checkpoints lives outside the database (environment, or the local
// install's .data/secrets.json), so whoever owns the tables can rewrite rows but cannot sign a
// checkpoint that vouches for them. Ed25519; a key is named by the first 16 hex digits of the
// SHA-256 of its raw public key.

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export type CheckpointSigner = { keyId: string; publicKey: string; sign: (message: string) => string };

export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash("sha256").update(rawPublicKey).digest("hex").slice(0, 16);
}

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" }).subarray(SPKI_ED25519_PREFIX.length);
}

/** A private key from its 32-byte seed (base64url) or PKCS#8 PEM. */
export function parseSigningKey(text: string): KeyObject {
  const t = text.trim();
  const key = t.startsWith("-----BEGIN")
    ? createPrivateKey(t)
    : (() => {
        const seed = Buffer.from(t, "base64url");
        if (seed.length !== 32) throw new Error("HOURGLASS_AUDIT_SIGNING_KEY must be a 32-byte Ed25519 seed in base64url, or a PKCS#8 PEM");
        return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
      })();
  if (key.asymmetricKeyType !== "ed25519") throw new Error("HOURGLASS_AUDIT_SIGNING_KEY must be an Ed25519 key");
  return key;
}

export function publicKeyFromRaw(raw: string): KeyObject {
  const bytes = Buffer.from(raw.trim(), "base64url");
  if (bytes.length !== 32) throw new Error(`Not a raw Ed25519 public key: ${raw.slice(0, 12)}…`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes]), format: "der", type: "spki" });
}

/** The signer from the environment, or null when no signing key is configured. */
export function checkpointSigner(): CheckpointSigner | null {
  if (!env.HOURGLASS_AUDIT_SIGNING_KEY) return null;
  const key = parseSigningKey(env.HOURGLASS_AUDIT_SIGNING_KEY);
  const raw = rawPublic(createPublicKey(key));
  return { keyId: keyIdOf(raw), publicKey: raw.toString("base64url"), sign: (message) => sign(null, Buffer.from(message, "utf8"), key).toString("base64url") };
}

/** Public keys whose signatures are trusted, by key id: the signing key's and HOURGLASS_AUDIT_TRUSTED_KEYS. */
export function trustedCheckpointKeys(): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (env.HOURGLASS_AUDIT_SIGNING_KEY) {
    const pub = createPublicKey(parseSigningKey(env.HOURGLASS_AUDIT_SIGNING_KEY));
    keys.set(keyIdOf(rawPublic(pub)), pub);
  }
  for (const raw of env.HOURGLASS_AUDIT_TRUSTED_KEYS.split(",").filter((k) => k.trim())) {
    const pub = publicKeyFromRaw(raw);
    keys.set(keyIdOf(rawPublic(pub)), pub);
  }
  return keys;
}

export function verifySigned(keys: Map<string, KeyObject>, keyId: string, message: string, signature: string): boolean {
  const key = keys.get(keyId);
  if (!key) return false;
  try {
    return verify(null, Buffer.from(message, "utf8"), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

export type CheckpointFields = { id: string; headSeq: bigint; headHash: string; eventCount: bigint; createdAt: Date };

/** What a checkpoint's signature covers. */
export function checkpointMessage(c: CheckpointFields): string {
  return ["hourglass-audit-checkpoint-v1", c.id, c.headSeq.toString(), c.headHash, c.eventCount.toString(), c.createdAt.toISOString()].join("\n");
}

/** What the mark "the chain was verified up to this checkpoint" covers (signed by the verifying process). */
export function verifiedMessage(c: CheckpointFields, verifiedAt: Date): string {
  return ["hourglass-audit-verified-v1", checkpointMessage(c), verifiedAt.toISOString()].join("\n");
}
