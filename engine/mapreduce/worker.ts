// What executor threads load so MapReduce tasks can be rebuilt by kind on a worker.
import "./task-rdd";
