// Continuous dataflow (lecture 8, part 2): a Flink-style streaming engine on the workbench's workers.
export { StreamExecutionEnvironment, CheckpointConfig, ExecutionConfig, DataGeneratorSource, NumberSequenceSource } from "./stream-env";
export { DataStream, KeyedStream, WindowedStream, SingleOutputStreamOperator, DataStreamSink, OutputTag, CollectSink, StreamingFileSink, CountTrigger } from "./data-stream";
export { JobClient, type JobStatus, type CheckpointStats, type JobExecutionResult, type SubtaskMetrics } from "./job-client";
export { ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, type ValueState, type ListState, type MapState, type ReducingState } from "./state";
export { WatermarkStrategy, TumblingEventTimeWindows, SlidingEventTimeWindows, EventTimeSessionWindows, type TimeWindow } from "./windows";
export { keyGroupOf, subtaskOfKeyGroup } from "./key-groups";
