import { z } from "zod";

/** An issuer named by its id or its unique name. */
export const issuerRef = z
  .string()
  .trim()
  .min(1, "issuer is required")
  .max(200)
  .refine((s) => !s.includes("\u0000"), "issuer may not contain NUL characters");
