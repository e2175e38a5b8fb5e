// Entry of the kernel process Jupyter starts (the kernelspec's argv): `node kernel/boot.mjs -f
// <connection_file>`. Runs the kernel from its prebuilt bundle (kernel/bundle.mjs), or from the
// TypeScript sources through tsx when no bundle can be built or BIGDATA_KERNEL_BUNDLE=0.

import { BUNDLE_KEY, kernelBundle } from "./bundle.mjs";

const bundle = await kernelBundle();
if (bundle) {
  // Where the kernel finds its socket thread and the engine (kernel/bundled.ts).
  globalThis[BUNDLE_KEY] = bundle;
  await import(bundle.kernel);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./main.ts");
}
