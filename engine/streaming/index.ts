// Public surface of structured streaming (lecture 8, part 1): sources (MemoryStream, rate,
// socket, file directories), readStream/writeStream, StreamingQuery and spark.streams, the
// checkpoint logs and the state store. engine/session wires spark.readStream / spark.streams.

export { MemoryStream, RateSource, FileStreamSource, SocketSource, streamingDataFrame, type StreamSource, type Offset } from "./sources";
export { DataStreamReader } from "./data-stream-reader";
export { DataStreamWriter } from "./data-stream-writer";
export { StreamingQuery, StreamingQueryException, recoveryLines, type QueryRecovery, STREAMING_JOB_GROUP_PREFIX, type StreamingQueryProgress, type StreamingQueryStatus, type StreamingQueryListener, type Trigger } from "./streaming-query";
export { StreamingQueryManager, streamsOf } from "./query-manager";
export { MemorySink, ConsoleSink, FileSink, ForeachBatchSink, ForeachSink, type StreamSink } from "./sinks";
export { CheckpointDir, MetadataLog } from "./checkpoint-log";
export { StateStore } from "./state-store";
export { installStreaming } from "./streaming-dataframe";
export type { OutputMode } from "./streaming-plan";
export { registerStreamingFormat, streamingFormat, type StreamingFormat, type StreamSourceRequest, type StreamSinkRequest } from "./format-registry";
