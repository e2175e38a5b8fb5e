// What executor threads load for graph jobs (closures here capture everything; kept for shippable helpers).
import "./pagerank-rdd";
