import { describe, expect, it } from "vitest";
import { parseCsv } from "./parse-csv";
import { readCsvRows, readJsonRows, validateRow } from "./import-rows";

describe("parseCsv", () => {
  it("reads plain rows and numbers each by its line", () => {
    expect(parseCsv("a,b,c\n1,2,3\n4,5,6\n")).toEqual({
      records: [
        { line: 1, fields: ["a", "b", "c"] },
        { line: 2, fields: ["1", "2", "3"] },
        { line: 3, fields: ["4", "5", "6"] },
      ],
      errors: [],
    });
  });

  it("accepts CRLF, lone CR and a missing final newline", () => {
    expect(parseCsv("a,b\r\n1,2\r\n").records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
    ]);
    expect(parseCsv("a,b\r1,2").records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
    ]);
  });

  it("reads quoted values with commas, doubled quotes and line breaks, and counts the lines they span", () => {
    const csv = 'name,description\r\nsvc-a,"one, two"\r\nsvc-b,"say ""hi"""\r\nsvc-c,"first\r\nsecond"\r\nsvc-d,last\r\n';
    expect(parseCsv(csv)).toEqual({
      records: [
        { line: 1, fields: ["name", "description"] },
        { line: 2, fields: ["svc-a", "one, two"] },
        { line: 3, fields: ["svc-b", 'say "hi"'] },
        { line: 4, fields: ["svc-c", "first\nsecond"] },
        { line: 6, fields: ["svc-d", "last"] },
      ],
      errors: [],
    });
  });

  it("keeps empty values, including a quoted empty value and a trailing empty field", () => {
    expect(parseCsv('a,b,c,d\nx,"",,\n').records[1]).toEqual({ line: 2, fields: ["x", "", "", ""] });
  });

  it("reports a quote inside an unquoted value with its line, and reads on", () => {
    const r = parseCsv('a,b\n1,x"y\n2,3\n');
    expect(r.errors).toEqual([{ line: 2, message: expect.stringMatching(/quote inside an unquoted value/) }]);
    // The reader carries on after the bad line.
    expect(r.records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["2", "3"] },
    ]);
  });

  it("reports text after a closing quote", () => {
    expect(parseCsv('a,b\n"x"y,1\n').errors).toEqual([{ line: 2, message: expect.stringMatching(/after a closing quote/) }]);
  });

  it("reports a quote never closed at the line it opens on", () => {
    const r = parseCsv('a,b\n1,2\n3,"never\nclosed\n');
    expect(r.errors).toEqual([{ line: 3, message: expect.stringMatching(/never closed/) }]);
  });

  it("skips a byte order mark, blank lines and rows of empty cells", () => {
    const r = parseCsv("\uFEFFa,b\n\n1,2\n,\n  \n3,4\n");
    expect(r.records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["1", "2"] },
      { line: 6, fields: ["3", "4"] },
    ]);
  });

  it("allows spaces around a quoted value", () => {
    expect(parseCsv('a,b\n  "x, y"  ,z\n').records[1].fields).toEqual(["x, y", "z"]);
  });

  it("returns nothing for an empty file", () => {
    expect(parseCsv("")).toEqual({ records: [], errors: [] });
  });
});

describe("readCsvRows", () => {
  const header = "name,kind,environment,system,owner";

  it("maps columns by header (any case, snake_case too) and marks empty cells as null", () => {
    const r = readCsvRows("Name,KIND,environment,system,workload_issuer,workloadSubject\nsvc-a,bot,dev,erp,,\n");
    expect(r.issues).toEqual([]);
    expect(r.rows).toEqual([{ line: 2, values: { name: "svc-a", kind: "bot", environment: "dev", system: "erp", workloadIssuer: null, workloadSubject: null } }]);
  });

  it("requires a header row and refuses unknown and repeated columns, naming line 1", () => {
    expect(readCsvRows("svc-a,bot,dev,erp\n").issues.map((i) => i.text)).toEqual([
      'Line 1, svc-a: unknown column "svc-a"; the columns are name, kind, environment, system, criticality, owner, description, workloadIssuer, workloadSubject, spiffeId',
      'Line 1, bot: unknown column "bot"; the columns are name, kind, environment, system, criticality, owner, description, workloadIssuer, workloadSubject, spiffeId',
      'Line 1, dev: unknown column "dev"; the columns are name, kind, environment, system, criticality, owner, description, workloadIssuer, workloadSubject, spiffeId',
      'Line 1, erp: unknown column "erp"; the columns are name, kind, environment, system, criticality, owner, description, workloadIssuer, workloadSubject, spiffeId',
      "Line 1: the first line must be a header naming the columns (name, kind, environment, system, ...)",
    ]);
    const r = readCsvRows(`${header},colour,name\nsvc-a,bot,dev,erp,,red,x\n`);
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => [i.line, i.field])).toEqual([
      [1, "colour"],
      [1, "name"],
    ]);
    expect(readCsvRows("name,kind\nsvc-a,bot\n").issues[0].text).toBe("Line 1: missing columns environment, system");
  });

  it("names the line of a row with too many or too few values", () => {
    const r = readCsvRows(`${header}\nsvc-a,bot,dev,erp,\nsvc-b,bot,dev\n`);
    expect(r.rows).toHaveLength(1);
    expect(r.issues.map((i) => i.text)).toEqual(["Line 3: has 3 values but the header has 5 columns"]);
  });

  it("says so when the file is empty", () => {
    expect(readCsvRows("").issues[0].text).toMatch(/^File: The file is empty/);
  });
});

describe("readJsonRows", () => {
  it("accepts an array or {identities: [...]}", () => {
    const item = { name: "svc-a", kind: "bot", environment: "dev", system: "erp" };
    expect(readJsonRows(JSON.stringify([item])).rows).toEqual([{ index: 0, values: item }]);
    expect(readJsonRows(JSON.stringify({ identities: [item] })).rows).toEqual([{ index: 0, values: item }]);
  });

  it("names the item index of unknown fields, non-strings and non-objects", () => {
    const r = readJsonRows(JSON.stringify([{ name: "a", colour: "red" }, 7, { name: "b", kind: 3, owner: null }]));
    expect(r.issues.map((i) => i.text)).toEqual([
      expect.stringMatching(/^Item \[0\], colour: unknown field "colour"/),
      "Item [1]: each item must be an object",
      "Item [2], kind: must be a string",
    ]);
  });

  it("refuses malformed JSON and the wrong top-level shape", () => {
    expect(readJsonRows("[{").issues[0].text).toMatch(/^File: not valid JSON/);
    expect(readJsonRows('{"rows": []}').issues[0].text).toMatch(/expected an array of identities/);
  });
});

describe("validateRow", () => {
  const ok = { name: "svc-a", kind: "bot", environment: "dev", system: "erp" };

  it("normalises enum spelling and keeps absent and empty optional values apart", () => {
    const r = validateRow({ line: 2, values: { ...ok, kind: "Service Account", environment: "PROD", description: null } });
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ name: "svc-a", kind: "service_account", environment: "prod", system: "erp", description: null });
  });

  it("names the line, the field and the problem, once per field", () => {
    const r = validateRow({ line: 3, values: { ...ok, kind: "robot", environment: null, name: "-bad name" } });
    expect(r.issues.map((i) => i.text)).toEqual([
      "Line 3, name: may contain letters, digits and . _ - : @ /, and must start with a letter or digit",
      'Line 3, kind: unknown kind "robot"; use one of service_account, api_key, workload, ci_job, ai_agent, bot',
      "Line 3, environment: is required",
    ]);
    expect(r.issues[1]).toMatchObject({ line: 3, field: "kind" });
  });

  it("checks the workload binding", () => {
    const r = validateRow({ index: 4, values: { ...ok, workloadIssuer: "not a url", spiffeId: "spiffe:/x" } });
    expect(r.issues.map((i) => i.field)).toEqual(["workloadIssuer", "spiffeId", "workloadSubject"]);
    const half = validateRow({ index: 0, values: { ...ok, workloadIssuer: "https://token.actions.githubusercontent.com" } });
    expect(half.issues.map((i) => i.text)).toEqual(["Item [0], workloadSubject: is required with workloadIssuer"]);
    const whole = validateRow({ index: 0, values: { ...ok, workloadIssuer: "https://token.actions.githubusercontent.com", workloadSubject: "repo:acme/erp:ref:refs/heads/main", spiffeId: "spiffe://acme.org/ns/prod/sa/erp" } });
    expect(whole.issues).toEqual([]);
  });
});
