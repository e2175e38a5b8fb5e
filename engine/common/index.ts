export * from "./errors";
export * from "./keys";
