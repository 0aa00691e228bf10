// A small RFC 4180 CSV reader for imports: comma-separated, fields optionally wrapped in double
// quotes, a quote inside a quoted field written as two quotes, quoted fields may span lines, and
// CRLF, LF or CR line endings. Each record keeps the line of the file it starts on, so errors can
// name it. A syntax error is reported for its line and the reader carries on with the next line.

export type CsvRecord = { line: number; fields: string[] };
export type CsvError = { line: number; message: string };

export function parseCsv(text: string): { records: CsvRecord[]; errors: CsvError[] } {
  const records: CsvRecord[] = [];
  const errors: CsvError[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark from spreadsheet exports
  const n = text.length;
  let line = 1;

  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let quoted = false; // the current field was quoted
    let failed: string | null = null;
    let ended = false;

    while (!ended) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const ch = text[i];
      if (ch === '"' && !quoted && field.trim() === "") {
        // Opening quote (spaces before it are ignored): read to the closing quote.
        const openLine = line;
        field = "";
        quoted = true;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === "\r" || c === "\n") {
            // A line break inside quotes belongs to the value; count it for line numbers.
            field += "\n";
            i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
            line++;
            continue;
          }
          field += c;
          i++;
        }
        if (!closed) {
          errors.push({ line: openLine, message: "a quoted value is never closed (a \" is missing)" });
          return { records, errors };
        }
        // Only spaces may follow the closing quote before the next comma or line end.
        while (i < n && (text[i] === " " || text[i] === "\t")) i++;
        if (i < n && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
          failed = "unexpected text after a closing quote; inside a quoted value write a quote as two quotes (\"\")";
          break;
        }
        continue;
      }
      if (ch === ",") {
        fields.push(field);
        field = "";
        quoted = false;
        i++;
        continue;
      }
      if (ch === "\r" || ch === "\n") {
        fields.push(field);
        i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        ended = true;
        continue;
      }
      if (ch === '"') {
        failed = "a quote inside an unquoted value; wrap the value in quotes and write the quote as two quotes (\"\")";
        break;
      }
      field += ch;
      i++;
    }

    if (failed) {
      errors.push({ line, message: failed });
      // Skip the rest of the physical line and go on with the next record.
      while (i < n && text[i] !== "\r" && text[i] !== "\n") i++;
      if (i < n) {
        i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
      }
      continue;
    }
    // Blank lines, and rows of empty cells a spreadsheet leaves at the end, carry no data.
    if (fields.every((f) => f.trim() === "")) continue;
    records.push({ line: start, fields });
  }
  return { records, errors };
}
