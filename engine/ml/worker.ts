// What executor threads need from the ML layer: the vector wire format, row kernels and
// aggregators (referenced by name from tasks). Imported by engine/worker-preload.ts.

import "./linalg";
import "./kernels";
import "./aggregators";
import "./logistic-aggregators";
import "./lsh-kernels";
import "./vector-indexer-kernels";
