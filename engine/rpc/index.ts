export * from "./protocol";
export * from "./transport";
