import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonbPrinted, canonicalJsonbText } from "./canonical";

// The definition: the canonical JSON of the value the text stands for (a JSON null stands for {}).
const slow = (text: string) => canonicalJson(JSON.parse(text) ?? {});

describe("canonicalJsonbText", () => {
  // Texts as PostgreSQL prints jsonb: ", " and ": " between tokens, keys by length then bytes.
  const printed = [
    "{}",
    "[]",
    "null",
    "5",
    '"text"',
    '{"a": 1}',
    '{"b": 1, "a": 2}',
    '{"z": 1, "aa": 2, "ab": [3, {"y": 0, "x": null}]}',
    '{"a": 1, "a!": 2}', // "a" < "a!" as strings, though '"' sorts after '!'
    '{"b": {"d": {}, "c": []}, "aa": true, "a": false}',
    '{"a\\"b": 1, "a": 2, "\\u0001": 3, "\\\\": 4}', // escaped keys sort by what they decode to
    '{"\uE000": 1, "\u{1F600}": 2, "é": 3}', // UTF-16 order: the surrogate pair sorts before U+E000
    '{"s": "quote \\" backslash \\\\ tab \\t newline \\n ctrl \\u001f end\\\\"}',
    '{"n": 1.50, "m": -0, "k": 0, "j": -12, "i": 123456789012345, "h": 1234567890123456789, "g": 0.1, "f": 1000000000000000000000, "e": 0.000001, "d": 1e-7}',
    '[1, [2, [3, []]], {"b": [{}], "a": "x"}]',
    '{"__proto__": {"polluted": true}, "constructor": 1}',
    '{"emoji": "\u{1F600}", "ünïcödé": "ß"}',
  ];
  it.each(printed)("gives the canonical JSON of %s", (text) => {
    expect(canonicalJsonbPrinted(text)).toBe(slow(text));
  });

  it("re-sorts keys and drops jsonb's spaces", () => {
    expect(canonicalJsonbText('{"id": "x", "reason": "expired", "grantId": "g"}')).toBe('{"grantId":"g","id":"x","reason":"expired"}');
    expect(canonicalJsonbText('{"n": 1.50, "m": -0}')).toBe('{"m":0,"n":1.5}');
  });

  it("takes the slow way for text of another shape and gives the same bytes", () => {
    for (const text of ['{"b":1,"a":2}', ' {"a": 1}', '{"a" : 1}', '{"a": 1 }', "[1,2]", '{"a": 1.0 }']) {
      expect(() => canonicalJsonbPrinted(text)).toThrow(SyntaxError);
      expect(canonicalJsonbText(text)).toBe(slow(text));
    }
  });

  it("refuses what is not JSON, as the definition does", () => {
    for (const text of ['{"a": }', '{"a": 1', '{"a": tru}', '"open', "{'a': 1}", '{"a": 1} x', '{"a": NaN}', "Infinity"]) {
      expect(() => canonicalJsonbText(text)).toThrow(SyntaxError);
    }
  });
});
