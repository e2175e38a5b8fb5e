// The same scenario written for two kernels: the python3 reference kernel (ipykernel), which
// checks the test harness itself, and our bigdata kernel, which is what the tests are for.

export interface KernelProfile {
  name: string;
  language: string;
  /** Last expression -> execute_result with text/plain `expectedValue`. */
  value: string;
  expectedValue: string;
  /** Shows "v1" under a display id, then updates it to "v2". */
  displayThenUpdate: string;
  /** Runs for minutes unless interrupted. */
  longRunning: string;
  /** After an interrupt the kernel must still work: prints "alive". */
  stillAlive: string;
  /** Sets a marker in the kernel's global state / prints whether it is set. */
  setMarker: string;
  readMarker: string;
  /** An error with a name and message we can check. */
  failing: string;
  errorName: RegExp;
  errorValue: RegExp;
}

export const PYTHON: KernelProfile = {
  name: "python3",
  language: "python",
  value: "6 * 7",
  expectedValue: "42",
  displayThenUpdate: "from IPython.display import display\nh = display('v1', display_id=True)\nh.update('v2')",
  longRunning: "import time\nfor _ in range(600): time.sleep(0.5)",
  stillAlive: "print('alive')",
  setMarker: "marker = 1",
  readMarker: "print('marker' in globals())",
  failing: "raise ValueError('deliberate')",
  errorName: /^ValueError$/,
  errorValue: /deliberate/,
};

export const BIGDATA: KernelProfile = {
  name: "bigdata",
  language: "typescript",
  value: "6 * 7",
  expectedValue: "42",
  displayThenUpdate: 'const h = await display("v1");\nawait h.update("v2");',
  // A real job whose tasks spin on the workers: the interrupt must cancel it.
  longRunning:
    "await sc.parallelize([1, 2, 3, 4], 2).map((x) => { const end = Date.now() + 300_000; while (Date.now() < end) {} return x; }).collect()",
  stillAlive: 'console.log((await sc.parallelize([1, 2, 3], 2).map((x) => x * 2).collect()).join(",") === "2,4,6" ? "alive" : "wrong")',
  setMarker: "(globalThis as any).workbenchMarker = 1;",
  readMarker: 'console.log((globalThis as any).workbenchMarker !== undefined);',
  failing: 'throw new RangeError("deliberate")',
  errorName: /RangeError/,
  errorValue: /deliberate/,
};
