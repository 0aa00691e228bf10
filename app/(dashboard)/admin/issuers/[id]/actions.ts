"use server";

import { z } from "zod";
import { runDrill } from "@/lib/drills/run-drill";
import { setDrillSchedule } from "@/lib/drills/set-drill-schedule";
import { objectAction } from "@/lib/web/action";

const issuer = z.string().uuid();

/** Runs a drill against the issuer now and answers with its outcome. */
export const runDrillAction = objectAction(z.strictObject({ issuerId: issuer }), (actor, { issuerId }) => runDrill(actor, { issuer: issuerId }));

export const setDrillScheduleAction = objectAction(z.strictObject({ issuerId: issuer, intervalMinutes: z.number().int() }), (actor, { issuerId, intervalMinutes }) =>
  setDrillSchedule(actor, { issuer: issuerId, intervalMinutes }),
);
