// What executor threads load so dataflow slots can be rebuilt by kind on a worker.
import "./slot-rdd";
import "./state";
import "./windows";
