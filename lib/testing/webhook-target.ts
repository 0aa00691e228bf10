import { startOpsEndpoint, type OpsCall } from "../demo/ops-endpoint";

// A real HTTP endpoint that plays a customer's webhook issuer in tests: the same receiver the demo
// runs (signatures checked, live grants kept), recording every call, and able to be told to fail.

export type Call = OpsCall;

export type WebhookTarget = {
  url: string;
  calls: Call[];
  /** Live privileges, by grant id. */
  live: Set<string>;
  /** The API key handed out for each grant. */
  credentials: Map<string, string>;
  /** Status to answer per event instead of success, while set. */
  failWith: Partial<Record<string, number>>;
  /** Answer the next N calls of an event with 500, then behave. */
  failTimes: Partial<Record<string, number>>;
  close: () => Promise<void>;
};

export async function startWebhookTarget(secret: string): Promise<WebhookTarget> {
  const target = { calls: [] as Call[], live: new Set<string>(), credentials: new Map<string, string>(), failWith: {} as WebhookTarget["failWith"], failTimes: {} as WebhookTarget["failTimes"] };
  const endpoint = await startOpsEndpoint({
    secret,
    live: target.live,
    credentials: target.credentials,
    intercept: (call) => {
      target.calls.push(call);
      const forced = target.failWith[call.event];
      if (forced) return forced;
      if ((target.failTimes[call.event] ?? 0) > 0) {
        target.failTimes[call.event]!--;
        return 500;
      }
      return undefined;
    },
  });
  return { ...target, ...endpoint };
}
