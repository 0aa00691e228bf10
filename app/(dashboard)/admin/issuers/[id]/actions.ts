"use server";

import { z } from "zod";
import { runDrill } from "@/lib/drills/run-drill";
import { setDrillSchedule } from "@/lib/drills/set-drill-schedule";
import { objectAction } from "@/lib/web/action";

const issuer = z.string().uuid();

/** Runs a drill against the issuer now and answers with its outcome. */
export const runDrillAction = objectAction(z.strictObject({ issuerId: issuer }), (actor, { issuerId }) => runDrill(actor, { issuer: issuerId }));

// As typed in the form: an empty field is not "off" (that is 0, said on purpose).
const minutes = z
  .string()
  .trim()
  .regex(/^\d{1,6}$/, "Write a whole number of minutes (0 turns scheduled drills off)")
  .transform(Number);

export const setDrillScheduleAction = objectAction(z.strictObject({ issuerId: issuer, intervalMinutes: minutes }), (actor, { issuerId, intervalMinutes }) =>
  setDrillSchedule(actor, { issuer: issuerId, intervalMinutes }),
);
