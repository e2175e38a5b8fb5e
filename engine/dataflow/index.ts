// Continuous dataflow (lecture 8, part 2): a Flink-style streaming engine on the workbench's workers.
export { StreamExecutionEnvironment, CheckpointConfig, ExecutionConfig } from "./stream-env";
export { DataGeneratorSource, NumberSequenceSource, RateLimiterStrategy, FileSource, TextLineInputFormat, ControlledSource } from "./source-api";
export { DataStream, KeyedStream, WindowedStream, ConnectedStreams, SingleOutputStreamOperator, DataStreamSink, OutputTag, CollectSink, StreamingFileSink } from "./data-stream";
export { JobClient, type JobStatus, type CheckpointStats, type JobExecutionResult, type SubtaskMetrics } from "./job-client";
export { ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, StateTtlConfig, type ValueState, type ListState, type MapState, type ReducingState } from "./state";
export {
  WatermarkStrategy, TumblingEventTimeWindows, SlidingEventTimeWindows, EventTimeSessionWindows, type TimeWindow,
  TumblingProcessingTimeWindows, SlidingProcessingTimeWindows, ProcessingTimeSessionWindows, GlobalWindows,
  EventTimeTrigger, ProcessingTimeTrigger, CountTrigger, ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger, PurgingTrigger, type TriggerSpec,
} from "./windows";
export { keyGroupOf, subtaskOfKeyGroup } from "./key-groups";
export {
  AbstractRichFunction, RichMapFunction, RichFlatMapFunction, RichFilterFunction, ProcessFunction, KeyedProcessFunction,
  CoProcessFunction, KeyedCoProcessFunction, ProcessWindowFunction,
  type AggregateFunction, type RuntimeContext, type ProcessContext, type Collector,
} from "./functions";
