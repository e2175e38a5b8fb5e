export * from "./driver-endpoint";
export * from "./worker-process";
export * from "./local-launcher";
export * from "./keep-alive";
export * from "./worker-services";
