// Connection files for kernels the runner starts: picks five free loopback ports, a fresh HMAC
// key, and writes the JSON a kernel reads from `{connection_file}` (readable by the owner only,
// because the key lets anyone who holds it run code in the kernel).

import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name?: string;
}

/** A port the OS says is free right now (there is a small race until the kernel binds it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function newConnectionInfo(kernelName?: string): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [shell, iopub, stdin, control, hb] = [...ports];
  return {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    ...(kernelName ? { kernel_name: kernelName } : {}),
  };
}

export async function writeConnectionFile(path: string, info: ConnectionInfo): Promise<void> {
  await writeFile(path, JSON.stringify(info, null, 2), { mode: 0o600 });
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}
