// What executor threads load for graph jobs: the modules whose engine functions tasks call by name.
import "./pagerank-rdd";
import "./pregel-partition";
