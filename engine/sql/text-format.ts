// The canonical text of SQL values, as Spark prints them: Java's Double.toString and
// Float.toString, dates as yyyy-MM-dd (negative years as -0044-03-15, like CAST AS STRING),
// timestamps with seconds always and a fraction only when non-zero (UTC). CAST AS STRING,
// show(), explain, the JSON writer and the viz tables all use these.

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** yyyy-MM-dd of a date held as UTC midnight; a negative year keeps its sign before four digits. */
export function formatDate(d: Date): string {
  const y = d.getUTCFullYear();
  // Java's LocalDate: a sign before years beyond four digits (+99999-03-18).
  return `${y < 0 ? "-" + pad(-y, 4) : y > 9999 ? "+" + y : pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Spark's timestamp string: seconds always, fraction only when non-zero, trailing zeros dropped. */
export function formatTimestamp(d: Date): string {
  const base = `${formatDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3).replace(/0+$/, "")}`;
}

/**
 * Java's Double.toString: the shortest digits that round-trip; plain notation for
 * 1e-3 <= |d| < 1e7 (always with a fractional digit), else "d.dddE[-]n".
 */
export function javaDoubleToString(d: number): string {
  return javaFloatingToString(d, (x) => x.toExponential());
}

/** Java's Float.toString for a value held as a double (rounded to float32 first). */
export function javaFloatToString(f: number): string {
  const v = Math.fround(f);
  return javaFloatingToString(v, (x) => {
    // The fewest significant digits that read back as the same float32.
    for (let p = 1; p <= 9; p++) {
      const s = x.toExponential(p - 1);
      if (Math.fround(Number(s)) === x) return s;
    }
    return x.toExponential(8);
  });
}

function javaFloatingToString(d: number, shortestExp: (x: number) => string): string {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const sign = d < 0 ? "-" : "";
  const abs = Math.abs(d);
  const [mant, expStr] = shortestExp(abs).split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expStr);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === "" ? "0" : frac}E${exp}`;
}
