// Streaming formats provided by other packages (engine/session registers Delta's source and sink
// here: topic packages may not import each other). readStream.format(f) / writeStream.format(f)
// look a format up here after the built-in ones.

import type { SqlSession, StructType } from "../sql";
import type { StreamSink } from "./sinks";
import type { StreamSource } from "./sources";
import type { OutputMode } from "./streaming-plan";

export interface StreamSourceRequest {
  session: SqlSession;
  path?: string;
  options: Record<string, string>;
  schema?: StructType;
}

export interface StreamSinkRequest {
  session: SqlSession;
  path?: string;
  options: Record<string, string>;
  outputMode: OutputMode;
  queryName?: string;
}

export interface StreamingFormat {
  source?(req: StreamSourceRequest): StreamSource;
  sink?(req: StreamSinkRequest): StreamSink;
}

const formats = new Map<string, StreamingFormat>();

export function registerStreamingFormat(name: string, f: StreamingFormat): void { formats.set(name.toLowerCase(), f); }
export function streamingFormat(name: string): StreamingFormat | undefined { return formats.get(name.toLowerCase()); }
