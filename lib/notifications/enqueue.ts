import type { Tx } from "../db";
import { env } from "../env";

export type NotificationEvent =
  | "request.created"
  | "request.decided"
  | "request.reminder"
  | "request.escalated"
  | "break_glass.used"
  | "grant.revoke_failed"
  | "grant.irrevocable"
  | "grant.issue_failed"
  | "drill.failed"
  | "exception.proposed"
  | "exception.decided"
  | "exception.expiring"
  | "exception.ended"
  | "attestation.campaign_opened"
  | "attestation.reminder"
  | "attestation.escalated"
  | "attestation.quarantined"
  | "audit.checkpoint_export_failed";

export type Notice = { event: NotificationEvent; title: string; lines?: string[]; link?: string; severity?: "info" | "warning" | "critical" };

/**
 * Records a notification in the caller's transaction; the worker delivers it after commit and
 * retries until the endpoint accepts it. Without HOURGLASS_NOTIFY_URL nothing is recorded.
 */
export async function enqueueNotification(tx: Tx, notice: Notice): Promise<void> {
  const row = notificationRow(notice);
  if (row) await tx.notificationDelivery.create({ data: row });
}

/** The row that records a notification (null when notifications are off), for writers that insert it themselves. */
export function notificationRow(notice: Notice): { event: NotificationEvent; payload: object } | null {
  if (!env.HOURGLASS_NOTIFY_URL) return null;
  const link = notice.link && env.HOURGLASS_PUBLIC_URL ? new URL(notice.link, env.HOURGLASS_PUBLIC_URL).toString() : notice.link;
  const icon = notice.severity === "critical" ? "🚨" : notice.severity === "warning" ? "⚠️" : "⧗";
  // Slack-compatible: `text` for plain clients, `blocks` for rich ones; `hourglass` for machines.
  const payload = {
    text: `${icon} ${notice.title}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${notice.title}*${notice.lines?.length ? `\n${notice.lines.join("\n")}` : ""}` } },
      ...(link ? [{ type: "context", elements: [{ type: "mrkdwn", text: `<${link}|Open in Hourglass>` }] }] : []),
    ],
    hourglass: { event: notice.event, severity: notice.severity ?? "info", link: link ?? null },
  };
  return { event: notice.event, payload };
}
