// The typed form of each issuer type's configuration: one field per config key, secrets write-only.
// Shared by the forms (what to draw) and the server actions (how to read the fields back).

export type IssuerTypeName = "postgres" | "token" | "webhook";

export type IssuerField = {
  key: string;
  label: string;
  kind: "text" | "number" | "secret";
  placeholder?: string;
  hint?: string;
  required?: boolean;
};

export const issuerFields: Record<IssuerTypeName, IssuerField[]> = {
  postgres: [
    { key: "url", label: "Admin connection string", kind: "secret", required: true, placeholder: "postgresql://hourglass_admin:…@db:5432/orders", hint: "A superuser or CREATEROLE role. Sealed; never shown again." },
    { key: "host", label: "Host for grantees", kind: "text", hint: "Taken from the connection string when empty." },
    { key: "connectHost", label: "Host grantees connect to", kind: "text", hint: "When it differs from the one Hourglass reaches." },
    { key: "port", label: "Port", kind: "number", placeholder: "5432" },
    { key: "database", label: "Database", kind: "text", placeholder: "postgres" },
  ],
  token: [
    { key: "audience", label: "Audience", kind: "text", required: true, placeholder: "https://api.example", hint: "The default aud claim; an entitlement may name its own." },
    { key: "issuerUrl", label: "Issuer claim (iss)", kind: "text", placeholder: "hourglass" },
    { key: "ttlMaxSec", label: "Longest token life (seconds)", kind: "number", placeholder: "3600", hint: "A token never lives longer, whatever the grant window." },
  ],
  webhook: [
    { key: "url", label: "Endpoint URL", kind: "text", required: true, placeholder: "https://ops.example/hourglass", hint: "https://, or http:// to loopback only." },
    { key: "timeoutMs", label: "Timeout (ms)", kind: "number", placeholder: "5000" },
    { key: "hmacSecret", label: "HMAC secret", kind: "secret", required: true, hint: "At least 16 characters. Sealed; never shown again." },
  ],
};

export const isIssuerType = (t: string): t is IssuerTypeName => t in issuerFields;

/** Every form field name a typed issuer form may send. */
export const issuerFieldNames = [...new Set(Object.values(issuerFields).flatMap((fs) => fs.map((f) => `cfg_${f.key}`)))];

/**
 * The config object from a typed form's fields: empty fields are left out (an empty secret on an
 * edit keeps the sealed one), numbers are read as numbers.
 */
export function configFromFields(type: IssuerTypeName, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of issuerFields[type]) {
    const raw = fields[`cfg_${f.key}`];
    if (typeof raw !== "string" || raw.trim() === "") continue;
    out[f.key] = f.kind === "number" && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw.trim();
  }
  return out;
}

/** What a form shows of a stored config: never a secret (those are not in config at all). */
export function shownConfig(type: IssuerTypeName, config: unknown): Record<string, string> {
  const c = (config && typeof config === "object" ? config : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of issuerFields[type]) if (f.kind !== "secret" && c[f.key] !== undefined && c[f.key] !== null) out[f.key] = String(c[f.key]);
  return out;
}
