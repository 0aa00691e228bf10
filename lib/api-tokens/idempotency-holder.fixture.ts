// A process that reserves an Idempotency-Key and holds it, as the API does while a request runs,
// until it is killed. Arguments: tokenId key bodyHash leaseMs. Prints "reserved <id>" when held.
import { holdReservation, replayOrReserve } from "./idempotency";

const [tokenId, key, bodyHash, leaseMs] = process.argv.slice(2);
const r = await replayOrReserve({ tokenId, key, bodyHash, leaseMs: Number(leaseMs) });
if (!r.reserved) throw new Error("not reserved");
holdReservation(r.reserved);
console.log(`reserved ${r.reserved.id}`);
setInterval(() => undefined, 60_000);
