export * from "./protocol";
export * from "./transport";
export * from "./auth";
export * from "./validate";
