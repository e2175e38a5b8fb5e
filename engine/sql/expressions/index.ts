// Public surface of the expression layer: the tree, typing, printing, evaluation and the function
// registry (importing this module registers every built-in function).

import "./functions-core";
import "./functions-math";
import "./functions-string";
import "./functions-binary";
import "./functions-datetime";
import "./functions-collection";
import "./aggregates";
import "./aggregates-extra";
import "./numeric-histogram";
import "./functions-misc";
import "./functions-udf";

export * from "./expression";
export * from "./registry";
export * from "./print";
export * from "./cast";
export * from "./compare";
export * from "./type-utils";
export { compileExpr, evalConstant, defaultEvalContext } from "./eval";
export { aggRuntime, type AggRuntime } from "./aggregates";
export { resolveIn, compileIn } from "./functions-core";
export { formatDateTime, parseDateTime, parseDuration, truncTo } from "./functions-datetime";
export { formatString, likeToRegExp, substringSql } from "./functions-string";
export { roundDecimal } from "./functions-math";
