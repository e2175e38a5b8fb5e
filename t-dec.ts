import { SqlSession } from "./engine/sql/index";
import { localHost } from "./test/sql/support/local-context";
const s = new SqlSession(localHost());
for (const q of process.argv.slice(2)) {
  const df = s.sql(q); console.log(df.schema.simpleString()); console.log((await df.collect()).map((r: any) => Object.values(r).map(String).join(" | ")));
}
