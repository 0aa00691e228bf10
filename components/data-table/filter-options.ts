/** Filter choices from enum values ("service_account" reads "service account"). Usable on the server. */
export const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v.replaceAll("_", " ") }));
