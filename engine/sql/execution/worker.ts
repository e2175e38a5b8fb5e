// What worker threads need from the SQL layer: the function registry and the physical operators
// (registered by name for tasks), row conversion, the write task and the data sources. Lighter
// than engine/sql/index.ts (no parser, no DataFrame API): import this from engine/worker-preload.ts.

import "../expressions";
import "./operators";
import "./columnar/cached-batches";
import "./columnar/columnar-final-agg";
import "./join-operators";
import "./window-operators";
import "./write-task";
import "../row-convert";
import "../datasources";
import "./deferred-rdd";
