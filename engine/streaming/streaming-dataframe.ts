// What streaming adds to DataFrame (installed by engine/session, as Spark's Dataset has these
// members): df.isStreaming, df.withWatermark(col, delay), df.writeStream; batch actions on a
// streaming DataFrame are refused with Spark's message.

import { AnalysisError } from "../common/errors";
import { DataFrame } from "../sql";
import { DataStreamWriter } from "./data-stream-writer";
import { isStreamingPlan, markWatermark } from "./streaming-plan";

declare module "../sql/api/dataframe" {
  interface DataFrame {
    /** True when the DataFrame reads a streaming source (run it with writeStream.start()). */
    readonly isStreaming: boolean;
    /** Event-time watermark: rows later than max(eventTime) - delay may be dropped, state evicted. */
    withWatermark(eventTime: string, delayThreshold: string): DataFrame;
    /** The DataStreamWriter of a streaming DataFrame. */
    readonly writeStream: DataStreamWriter;
  }
}

const ACTIONS = ["collect", "collectInternal", "count", "head", "first", "take", "tail", "show", "showString", "toLocalIterator", "toDanfo", "foreach", "foreachPartition", "toPandas", "isEmpty"];

let installed = false;

/** Add the streaming members to DataFrame (idempotent). */
export function installStreaming(): void {
  if (installed) return;
  installed = true;
  const proto = DataFrame.prototype as unknown as Record<string, unknown>;
  Object.defineProperty(proto, "isStreaming", { get(this: DataFrame) { return isStreamingPlan(this.plan); }, configurable: true });
  Object.defineProperty(proto, "writeStream", {
    get(this: DataFrame) {
      if (!isStreamingPlan(this.plan)) throw new AnalysisError("WRITE_STREAM_NOT_ALLOWED", "'writeStream' can be called only on streaming Dataset/DataFrame.");
      return (this.sparkSession.streamWriterFor(this) as DataStreamWriter | undefined) ?? new DataStreamWriter(this);
    },
    configurable: true,
  });
  Object.defineProperty(proto, "withWatermark", {
    value(this: DataFrame, eventTime: string, delayThreshold: string): DataFrame {
      const remote = this.sparkSession.watermarkPlan(this.plan, eventTime, delayThreshold);
      if (remote) return new DataFrame(this.sparkSession, remote);
      const c = this.col(eventTime).expr;
      if (c.kind !== "attr" || (c.dataType.type !== "timestamp")) {
        throw new AnalysisError("EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE", `The event time \`${eventTime}\` has the invalid type, but expected "TIMESTAMP".`);
      }
      const node = { kind: "Project", exprs: this.output.slice(), child: this.plan } as DataFrame["plan"];
      markWatermark(node, c, delayThreshold);
      return new DataFrame(this.sparkSession, node);
    },
    configurable: true, writable: true,
  });
  for (const name of ACTIONS) {
    const orig = proto[name];
    if (typeof orig !== "function") continue;
    Object.defineProperty(proto, name, {
      value(this: DataFrame, ...args: unknown[]) {
        if (isStreamingPlan(this.plan)) throw new AnalysisError("STREAMING_UNSUPPORTED_OPERATION", "Queries with streaming sources must be executed with writeStream.start();");
        return (orig as (...a: unknown[]) => unknown).apply(this, args);
      },
      configurable: true, writable: true,
    });
  }
  const writeDesc = Object.getOwnPropertyDescriptor(proto, "write");
  if (writeDesc?.get) {
    const get = writeDesc.get;
    Object.defineProperty(proto, "write", {
      get(this: DataFrame) {
        if (isStreamingPlan(this.plan)) throw new AnalysisError("STREAMING_UNSUPPORTED_OPERATION", "'write' can not be called on streaming Dataset/DataFrame");
        return get.call(this);
      },
      configurable: true,
    });
  }
}
