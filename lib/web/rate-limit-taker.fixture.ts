// A replica's view of the rate limit: a process that, on "go" (stdin), takes `n` requests from one
// token's bucket, `inFlight` at a time, as an API server under load does, and prints what it got.
// Arguments: tokenId n inFlight rate burst. Prints "ready", then {"allowed":…,"denied":…}.
import { disconnectDb, getDb } from "../db";
import { takeToken } from "./rate-limit";

const [tokenId, n, inFlight, rate, burst] = process.argv.slice(2);
await getDb().$queryRaw`SELECT 1`;
console.log("ready");
await new Promise((resolve) => process.stdin.once("data", resolve));
let left = Number(n);
let allowed = 0;
let denied = 0;
await Promise.all(
  Array.from({ length: Number(inFlight) }, async () => {
    while (left-- > 0) {
      if ((await takeToken(tokenId, undefined, Number(rate), Number(burst))) === 0) allowed++;
      else denied++;
    }
  }),
);
console.log(JSON.stringify({ allowed, denied }));
await disconnectDb();
process.exit(0);
