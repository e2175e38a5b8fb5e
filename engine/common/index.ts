export * from "./errors";
export * from "./keys";
export * from "./codec";
export * from "./closure";
