const tones = {
  gray: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  blue: "bg-sky-50 text-sky-700 ring-sky-200",
  violet: "bg-violet-50 text-violet-700 ring-violet-200",
} as const;

export type Tone = keyof typeof tones;

export function Badge({ tone = "gray", children }: { tone?: Tone; children: React.ReactNode }) {
  return (
    <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}>
      {children}
    </span>
  );
}

const statusTones: Record<string, Tone> = {
  active: "green",
  accepted: "green",
  approved: "green",
  revoked: "gray",
  expired: "gray",
  cancelled: "gray",
  decommissioned: "gray",
  closed: "gray",
  pending: "amber",
  proposed: "amber",
  issuing: "blue",
  revoking: "blue",
  open: "blue",
  changes_requested: "amber",
  quarantined: "red",
  denied: "red",
  rejected: "red",
  revoke_failed: "red",
  irrevocable: "red",
  issue_failed: "red",
  prod: "red",
  staging: "amber",
  dev: "blue",
  critical: "red",
  high: "red",
  medium: "amber",
  low: "gray",
};

export function StatusBadge({ value }: { value: string }) {
  return <Badge tone={statusTones[value] ?? "gray"}>{value.replaceAll("_", " ")}</Badge>;
}
