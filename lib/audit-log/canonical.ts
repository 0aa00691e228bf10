// The canonical JSON the audit chain hashes, and the same bytes produced straight from
// PostgreSQL's text output of a jsonb value (what chain verification reads), without building
// the value in JavaScript first.

/** JSON with object keys sorted at every depth, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return out + "]";
  }
  // Array.prototype.sort's default order compares UTF-16 code units, as `<` on strings does.
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + canonicalJson(v);
    first = false;
  }
  return out + "}";
}

/**
 * canonicalJson(JSON.parse(text) ?? {}) for `text` as PostgreSQL prints a jsonb value, about twice
 * as fast. jsonb prints `{"k": v, "k2": v2}` and `[a, b]` (", " and ": " between tokens, none
 * inside a scalar) with its keys in its own order (by length, then bytes), and escapes strings
 * exactly as JSON.stringify does (\" \\ \b \f \n \r \t, other controls as lowercase \u00xx, all
 * else as is; a database string holds no lone surrogate). So strings are copied as printed, keys
 * are re-sorted by UTF-16 code units, and a number is copied when JavaScript would print it the
 * same (an integer of at most 15 digits) and re-printed through Number otherwise. Anything else
 * than that shape (another printer, a hand-written text) goes the slow way, which is the definition.
 */
export function canonicalJsonbText(text: string): string {
  try {
    return canonicalJsonbPrinted(text);
  } catch {
    return canonicalJson(JSON.parse(text) ?? {});
  }
}

/** The scan alone: throws a SyntaxError for text jsonb would not print. */
export function canonicalJsonbPrinted(text: string): string {
  if (text === "null") return "{}";
  src = text;
  at = 0;
  try {
    const out = value();
    if (at !== src.length) throw new SyntaxError("text after the value");
    return out;
  } finally {
    src = "";
  }
}

// The scanner's state: one text at a time, synchronously.
let src = "";
let at = 0;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const SPACE = 32;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function value(): string {
  const c = src.charCodeAt(at);
  if (c === QUOTE) {
    const start = at;
    at = stringEnd(at) + 1;
    return src.slice(start, at);
  }
  if (c === OPEN_BRACE) return object();
  if (c === OPEN_BRACKET) return array();
  return scalar();
}

/** The index of the quote closing the string whose opening quote is at `open`. */
function stringEnd(open: number): number {
  let q = src.indexOf('"', open + 1);
  for (;;) {
    if (q < 0) throw new SyntaxError("unterminated string");
    let k = q - 1;
    while (src.charCodeAt(k) === BACKSLASH) k--;
    // An even number of backslashes before it: the quote is not escaped.
    if (((q - 1 - k) & 1) === 0) return q;
    q = src.indexOf('"', q + 1);
  }
}

function scalar(): string {
  const start = at;
  const end = src.length;
  while (at < end) {
    const c = src.charCodeAt(at);
    if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) break;
    at++;
  }
  const token = src.slice(start, at);
  if (token === "true" || token === "false" || token === "null") return token;
  if (plainInteger(token)) return token;
  if (!JSON_NUMBER.test(token)) throw new SyntaxError("not a JSON scalar");
  return JSON.stringify(Number(token));
}

/** An integer JavaScript prints exactly as written: no sign of zero, no leading zero, at most 15 digits. */
function plainInteger(token: string): boolean {
  const n = token.length;
  let i = token.charCodeAt(0) === 45 ? 1 : 0;
  if (n - i === 0 || n - i > 15) return false;
  const first = token.charCodeAt(i);
  if (first === 48) return n === 1; // "0"; "-0" and "01" are not
  if (first < 49 || first > 57) return false;
  for (i++; i < n; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function expectSeparator(): void {
  if (src.charCodeAt(at) !== COMMA || src.charCodeAt(at + 1) !== SPACE) throw new SyntaxError("expected ', '");
  at += 2;
}

function object(): string {
  at++;
  if (src.charCodeAt(at) === CLOSE_BRACE) {
    at++;
    return "{}";
  }
  // Keys as printed (without their quotes), what they sort by (the decoded key), and the values.
  const keys: string[] = [];
  const order: string[] = [];
  const values: string[] = [];
  let sorted = true;
  for (;;) {
    if (src.charCodeAt(at) !== QUOTE) throw new SyntaxError("expected a key");
    const end = stringEnd(at);
    const printed = src.slice(at + 1, end);
    const key = printed.indexOf("\\") === -1 ? printed : (JSON.parse(src.slice(at, end + 1)) as string);
    if (sorted && order.length > 0 && !(order[order.length - 1] < key)) sorted = false;
    keys.push(printed);
    order.push(key);
    if (src.charCodeAt(end + 1) !== COLON || src.charCodeAt(end + 2) !== SPACE) throw new SyntaxError("expected ': '");
    at = end + 3;
    values.push(value());
    if (src.charCodeAt(at) === CLOSE_BRACE) {
      at++;
      break;
    }
    expectSeparator();
  }
  let out = "{";
  if (sorted) {
    for (let n = 0; n < keys.length; n++) out += (n === 0 ? '"' : ',"') + keys[n] + '":' + values[n];
  } else {
    const index = keys.map((_, n) => n).sort((a, b) => (order[a] < order[b] ? -1 : order[a] > order[b] ? 1 : 0));
    for (let n = 0; n < index.length; n++) out += (n === 0 ? '"' : ',"') + keys[index[n]] + '":' + values[index[n]];
  }
  return out + "}";
}

function array(): string {
  at++;
  if (src.charCodeAt(at) === CLOSE_BRACKET) {
    at++;
    return "[]";
  }
  let out = "[";
  for (let n = 0; ; n++) {
    out += (n === 0 ? "" : ",") + value();
    if (src.charCodeAt(at) === CLOSE_BRACKET) {
      at++;
      return out + "]";
    }
    expectSeparator();
  }
}
