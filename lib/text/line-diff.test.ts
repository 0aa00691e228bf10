import { describe, expect, it } from "vitest";
import { diffLines, diffStats, withContext } from "./line-diff";

const show = (before: string, after: string) =>
  diffLines(before, after)
    .map((l) => `${l.kind === "same" ? " " : l.kind === "added" ? "+" : "-"}${l.text}`)
    .join("|");

describe("diffLines", () => {
  it("keeps equal texts as unchanged lines, numbered on both sides", () => {
    expect(diffLines("a\nb\n", "a\nb")).toEqual([
      { kind: "same", text: "a", oldLine: 1, newLine: 1 },
      { kind: "same", text: "b", oldLine: 2, newLine: 2 },
    ]);
    expect(diffLines("", "")).toEqual([]);
  });

  it("reads an edited line as one removal and one addition, with the line numbers of each side", () => {
    expect(show("a\nb\nc", "a\nB\nc")).toBe(" a|-b|+B| c");
    const d = diffLines("a\nb\nc", "a\nB\nc");
    expect(d[1]).toEqual({ kind: "removed", text: "b", oldLine: 2 });
    expect(d[2]).toEqual({ kind: "added", text: "B", newLine: 2 });
  });

  it("finds the longest common run of lines, not just the shared head and tail", () => {
    expect(show("x\na\nb\nc\ny", "x\nb\nc\nd\ny")).toBe(" x|-a| b| c|+d| y");
    expect(show("a\nb\nc\nd", "d\na\nb\nc")).toBe("+d| a| b| c|-d");
  });

  it("handles texts added from nothing and removed to nothing", () => {
    expect(show("", "a\nb")).toBe("+a|+b");
    expect(show("a\nb", "")).toBe("-a|-b");
  });

  it("shows an oversized rewrite as removed then added instead of comparing every pair", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join("\n");
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join("\n");
    const started = performance.now();
    const d = diffLines(`head\n${before}\ntail`, `head\n${after}\ntail`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(diffStats(d)).toEqual({ added: 3000, removed: 3000 });
    expect(d[0]).toMatchObject({ kind: "same", text: "head" });
    expect(d.at(-1)).toEqual({ kind: "same", text: "tail", oldLine: 3002, newLine: 3002 });
  });
});

describe("withContext", () => {
  it("keeps the given number of unchanged lines around each change and counts the rest as gaps", () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const after = before.replace("l10", "L10");
    const shown = withContext(diffLines(before, after), 2);
    expect(shown.map((l) => (l.kind === "gap" ? `…${l.count}` : l.text))).toEqual(["…8", "l8", "l9", "l10", "L10", "l11", "l12", "…7"]);
  });

  it("shows nothing but one gap for texts that are the same", () => {
    expect(withContext(diffLines("a\nb", "a\nb"))).toEqual([{ kind: "gap", count: 2 }]);
  });
});
