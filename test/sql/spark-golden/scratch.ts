import { SqlSession } from "../../../engine/sql/index";
import { localHost } from "../support/local-context";
import { readFileSync } from "node:fs";
const s = new SqlSession(localHost());
for (const q of JSON.parse(readFileSync("/tmp/args.json", "utf8")) as string[]) {
  try { const r = await s.sql(q).collectInternal(); if (r.length) console.log(r.map((x) => x[0]).join(",")); } catch (e) { console.log("ERR", String(e).slice(0, 200)); }
}
