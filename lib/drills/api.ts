import { z } from "zod";
import { parseInput } from "../validation";

// Bodies of the machine API's drill routes; the issuer always comes from the path.

export function emptyBody(body: unknown): void {
  parseInput(z.strictObject({}, { error: "This request takes no fields" }), body ?? {});
}

export function drillScheduleBody(body: unknown): { intervalMinutes: number } {
  return parseInput(z.strictObject({ intervalMinutes: z.number().int() }), body);
}
