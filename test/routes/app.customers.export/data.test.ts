/**
 * CSV cells a spreadsheet would run (OWASP "CSV Injection"): a formula starter first, after leading blanks
 * (spaces, tabs, line breaks, no-break or ideographic spaces), or in its full-width form (＝ ＋ － ＠, which
 * Excel and LibreOffice Calc take for = + - @) is defused with a leading apostrophe, in the cell and in
 * the whole export, where a customer's name and email come live from Shopify. One export never mixes two
 * analyses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell, customersCsv, ExportInterruptedError } from "../../../app/routes/app.customers.export/data.server";
import { parseCustomerQuery } from "../../../app/routes/app/customer-list.server";
import { createTestDb, databaseKinds, type TestDb } from "../../helpers/db";
import { gid, SCORES, seedAdminShops, seedScores, SHOP } from "../../helpers/app-fixtures";

const kinds = await databaseKinds();
const q = (s: string) => parseCustomerQuery(new URLSearchParams(s));

async function csvOf(t: TestDb, query: string, batch = 2): Promise<string[][]> {
  let text = "";
  for await (const chunk of customersCsv(t.db, SHOP, q(query), batch)) text += chunk;
  return text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}

/** Rows of RFC 4180 CSV, as a spreadsheet splits them (quoted cells may hold commas and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === "," || c === "\n") {
      row.push(cell);
      cell = "";
      if (c === "\n") {
        rows.push(row);
        row = [];
      }
    } else cell += c;
  }
  return rows;
}

/** A cell's text as a spreadsheet reads it back (RFC 4180 unquoting). */
const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);

const HOSTILE = [
  ' =HYPERLINK("http://x","y")',
  "\t=1+1",
  "  \t @SUM(A1)",
  "\n=cmd|' /C calc'!A0",
  "\u00a0=1+1",
  "\u3000+1",
  '＝HYPERLINK("http://x")',
  "＋1+1",
  "－1+1",
  "＠SUM(A1)",
  " ＝1",
  "\u0000=1",
  "=1",
  "+1",
  "-1",
  "@x",
  "\tcmd",
  "\rcmd",
];

describe("CSV cells", () => {
  it("defuses every formula a spreadsheet would run, whatever blanks or full-width form come first", () => {
    for (const value of HOSTILE) {
      const cell = unquote(csvCell(value));
      expect(cell, JSON.stringify(value)).toBe(`'${value}`);
    }
  });

  it("leaves ordinary text and numbers as they are", () => {
    for (const value of ["Ann O'Neil", "  Bob", "a=b", "Zoë-Ann", "mail@example.com", "１２３", "~x", "—dash"])
      expect(unquote(csvCell(value)), value).toBe(value);
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(null)).toBe("");
  });
});

describe("the customers export", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await seedScores(t.db, SHOP);
  });
  afterAll(async () => t?.cleanup());

  it("defuses hostile names and emails that Shopify returns", async () => {
    const query = parseCustomerQuery(new URLSearchParams("sort=clv12m&direction=desc"));
    const names = async (ids: string[]) => ({
      names: new Map(ids.map((id, i) => [id, { name: HOSTILE[i % HOSTILE.length], email: ` ＠${i}@x.com` }])),
      note: null,
    });
    let csv = "";
    for await (const chunk of customersCsv(t.db, SHOP, query, 250, names)) csv += chunk;
    const [header, ...rows] = parseCsv(csv);
    expect(rows).toHaveLength(5);
    const name = header.indexOf("name");
    const email = header.indexOf("email");
    expect(name).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row[name].startsWith("'"), row[name]).toBe(true);
      expect(HOSTILE).toContain(row[name].slice(1));
      expect(row[email]).toMatch(/^' ＠\d@x\.com$/);
    }
    expect(csv).toContain(gid(1));
  });
});

describe("CSV cells, the common formula starters", () => {
  it("defuses text a spreadsheet would run as a formula (=, +, -, @, tab, carriage return)", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("+1 555")).toBe("'+1 555");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("\rcmd")).toBe(`"'\rcmd"`);
    expect(csvCell("Ann O'Neil")).toBe("Ann O'Neil");
    expect(csvCell(-3.5)).toBe("-3.5"); // a number stays a number
    expect(csvCell(null)).toBe("");
  });
});

describe("one export, one analysis", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
    await seedScores(t.db, SHOP);
  });
  afterAll(async () => t?.cleanup());

  it("fails instead of mixing rows when a new analysis replaces the scores between two pages", async () => {
    const query = parseCustomerQuery(new URLSearchParams("sort=clv12m&direction=desc"));
    const lines = customersCsv(t.db, SHOP, query, 2);
    const header = await lines.next();
    const first = await lines.next();
    expect(header.value).toMatch(/^customer_number,name,email,value_at_risk,/);
    expect(
      first.value
        .trim()
        .split("\n")
        .map((l: string) => l.split(",")[0]),
    ).toEqual(["1", "5"]); // CLV 300, 150
    // A new analysis replaces every score (new asOf, new values) while the download is half way.
    await t.db.customerScore.updateMany({
      where: { shop: SHOP },
      data: { asOf: new Date("2026-12-01T00:00:00Z"), clv12m: 1 },
    });
    await expect(
      (async () => {
        for await (const chunk of lines) void chunk;
      })(),
    ).rejects.toThrow(ExportInterruptedError);
  });

  it("reads every row once when nothing changes", async () => {
    const query = parseCustomerQuery(new URLSearchParams("sort=orders&direction=asc"));
    let text = "";
    for await (const chunk of customersCsv(t.db, SHOP, query, 2)) text += chunk;
    const ids = text
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").pop());
    expect(new Set(ids).size).toBe(5);
    expect(ids).toContain(gid(3));
  });
});

describe.each(kinds)("the export of the customer list on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedAdminShops(t.db);
  });
  afterAll(async () => t?.cleanup());

  it("exports the current filter as CSV, in batches, with every matching row once", async () => {
    const rows = await csvOf(t, "risk=high&sort=clv12m&direction=asc", 1);
    const col = (name: string) => rows[0].indexOf(name);
    expect(rows[0].slice(0, 4)).toEqual(["customer_number", "name", "email", "value_at_risk"]);
    expect(
      rows
        .slice(1)
        .map((r) => [
          r[0],
          r[col("predicted_clv_12m")],
          r[col("churn_probability")],
          r[col("risk_band")],
          r[col("rfm_segment")],
          r[col("shopify_customer_id")],
        ]),
    ).toEqual([
      ["2", "20.00", "0.8500", "high", "At risk", gid(2)],
      ["4", "35.00", "0.9200", "high", "At risk", gid(4)],
    ]);
    expect((await csvOf(t, "", 2)).length).toBe(1 + SCORES.length);
  });
});
