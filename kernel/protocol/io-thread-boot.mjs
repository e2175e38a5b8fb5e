// Entry of the kernel's socket thread: worker threads do not inherit the process's tsx loader
// hooks, so register tsx here, then load the TypeScript thread module.
import { register } from "tsx/esm/api";

register();
await import("./io-thread.ts");
