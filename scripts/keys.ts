// `npm run keys:reseal`: seals every sealed value again with the newest seal key (HOURGLASS_SECRET_KEY),
// so the keys listed in HOURGLASS_SECRET_KEYS_OLD can be dropped afterwards.
// `npm run keys:rotate-signing -- "why"`: after a compromise of the token issuer's signing key,
// retires it at once, deny-lists the tokens it signed and revokes their grants.
import { disconnectDb } from "../lib/db";
import { systemActor } from "../lib/authz";
import { resealSecrets } from "../lib/crypto/reseal-secrets";
import { assertSealKeyConfigured } from "../lib/crypto/seal";
import { rotateSigningKeyAfterCompromise } from "../lib/tokens/signing-keys";

const [command, ...rest] = process.argv.slice(2);
const actor = systemActor("operator");

async function main(): Promise<void> {
  assertSealKeyConfigured();
  if (command === "reseal") {
    const r = await resealSecrets(actor);
    console.log(`re-sealed with key ${r.keyId}: ${r.issuers} issuer secrets, ${r.signingKeys} signing keys, ${r.credentials} credentials awaiting delivery`);
  } else if (command === "rotate-signing") {
    const comment = rest.join(" ").trim();
    if (comment.length < 3) throw new Error('Say why: npm run keys:rotate-signing -- "key leaked in a log"');
    const r = await rotateSigningKeyAfterCompromise(actor, { comment });
    console.log(`new signing key ${r.kid}; retired at once: ${r.retired.join(", ") || "none"}; ${r.denied} tokens deny-listed; ${r.grantsRevoking.length} grants revoking`);
  } else {
    throw new Error("usage: tsx scripts/keys.ts reseal | rotate-signing <why>");
  }
}

main()
  .then(() => disconnectDb())
  .catch(async (e) => {
    console.error(`[keys] ${(e as Error).message}`);
    await disconnectDb().catch(() => undefined);
    process.exit(1);
  });
