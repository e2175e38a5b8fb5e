// What executor threads load so dataflow slots can be rebuilt by kind on a worker, and the shippable
// classes a job's functions may use (state descriptors and TTL, windows, Flink's function classes).
import "./slot-rdd";
import "./state";
import "./windows";
import "./functions";
