// What every executor thread imports before running tasks: the layers whose RDD kinds and
// shippable engine functions tasks may reference by name. Kept small on purpose (no renderers,
// no session): thread start-up time is part of the first job's latency.

import "./rdd";
import "./executor/shared-variables";
import "./sql/execution/worker";
import "./mapreduce/worker";
import "./mining/worker";
import "./lake/delta-source";
import "./ml/worker";
import "./streaming/state-tasks";
import "./streaming/rate-rows";
import "./streaming/join-state-task";
import "./dataflow/worker";
import "./graph/worker";
