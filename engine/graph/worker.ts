// What executor threads load for graph jobs: the modules whose engine functions and RDD kinds tasks use by name.
import "./pagerank-rdd";
import "./pregel-partition";
import "./pregel-superstep";
import "./pregel-barrier";
