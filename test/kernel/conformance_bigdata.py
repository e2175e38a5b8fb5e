"""jupyter_kernel_test conformance suite for the bigdata kernel (run by conformance.test.ts).

The kernelspec is installed into a temporary prefix named by JUPYTER_PATH, so this never touches
the machine's own Jupyter configuration.
"""
import os
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


class BigDataKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("BDW_KERNEL_NAME", "bigdata")
    language_name = "typescript"
    file_extension = ".ts"

    @classmethod
    def setUpClass(cls):
        # The first start may compile a lot on a busy machine; the suite's default wait is 60 s.
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=240)

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const someLongName = 1;\nsomeLong", "matches": {"someLongName"}},
    ]

    complete_code_samples = ["1", "console.log('x')", "function f() { return 1; }", "const x = [1, 2]"]
    incomplete_code_samples = ["function f() {", "const x = [1,", "if (true) {\n  console.log(1)"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "'big' + 'data'", "result": "'bigdata'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": "({ _repr_mimebundle_: () => ({ 'text/html': '<b>rich</b>' }) })", "mime": "text/html", "result": "<b>rich</b>"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display({ _repr_mimebundle_: async () => ({ "image/svg+xml": "<svg/>", "text/plain": "svg" }) })', "mime": "image/svg+xml"},
        {"code": 'display("plain")', "mime": "text/plain"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "display.clear()"


if __name__ == "__main__":
    unittest.main()
