/** One line of a line diff: kept, added in the newer text, or removed from the older one. */
export type DiffLine =
  | { kind: "same"; text: string; oldLine: number; newLine: number }
  | { kind: "added"; text: string; newLine: number }
  | { kind: "removed"; text: string; oldLine: number };

/** A run of unchanged lines left out of a shown diff. */
export type DiffGap = { kind: "gap"; count: number };

// Above this many comparisons the changed middle is shown as all removed then all added: a
// quadratic table for two unrelated 5,000-line files would hold a page for seconds.
const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * The lines of `before` and `after` aligned by their longest common subsequence, so a line
 * moved or edited reads as one removal and one addition and every other line as kept. The
 * shared head and tail are matched first, which keeps the usual small edit cheap.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: "same", text: a[i], oldLine: i + 1, newLine: i + 1 });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  if (n * m > MAX_CELLS) {
    am.forEach((text, i) => out.push({ kind: "removed", text, oldLine: head + i + 1 }));
    bm.forEach((text, j) => out.push({ kind: "added", text, newLine: head + j + 1 }));
  } else {
    // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..], in one flat array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        out.push({ kind: "same", text: am[i], oldLine: head + i + 1, newLine: head + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
        // On a tie the removal comes first, so an edited line reads "- old, + new".
        out.push({ kind: "removed", text: am[i], oldLine: head + i + 1 });
        i++;
      } else {
        out.push({ kind: "added", text: bm[j], newLine: head + j + 1 });
        j++;
      }
    }
  }
  for (let k = tail; k > 0; k--) out.push({ kind: "same", text: a[a.length - k], oldLine: a.length - k + 1, newLine: b.length - k + 1 });
  return out;
}

/** The changed lines with `context` kept lines around each change; longer unchanged runs become gaps. */
export function withContext(diff: DiffLine[], context = 3): (DiffLine | DiffGap)[] {
  const near = new Array<boolean>(diff.length).fill(false);
  diff.forEach((line, i) => {
    if (line.kind === "same") return;
    for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) near[k] = true;
  });
  const out: (DiffLine | DiffGap)[] = [];
  let skipped = 0;
  diff.forEach((line, i) => {
    if (near[i]) {
      if (skipped) out.push({ kind: "gap", count: skipped });
      skipped = 0;
      out.push(line);
    } else skipped++;
  });
  if (skipped) out.push({ kind: "gap", count: skipped });
  return out;
}

/** How many lines a diff adds and removes. */
export function diffStats(diff: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of diff) {
    if (l.kind === "added") added++;
    else if (l.kind === "removed") removed++;
  }
  return { added, removed };
}
