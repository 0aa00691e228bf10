/** The identity every revocation-drill canary is issued to; never counted as an identity in the metrics. */
export const CANARY_IDENTITY = "hourglass-drill-canary";
