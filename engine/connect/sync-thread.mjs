// The thread behind synchronous Spark Connect calls (sync-client.ts): PySpark's df.columns,
// spark.sql(...) and printSchema() block on the server, and so does the workbench's DataFrame API,
// which resolves columns as each transformation is written. The main thread posts a request,
// waits on a shared flag (Atomics.wait) and takes the reply from its port; this thread makes the
// gRPC call with the request's bytes as they are (no message types needed here).
import { workerData } from "node:worker_threads";
import { openChannel, callMetadata, failure, SERVICE } from "./channel.mjs";

const { conn, port, flag: flagBuffer } = workerData;
const flag = new Int32Array(flagBuffer);
const channel = openChannel(conn);
const same = (b) => b;

function reply(msg) {
  port.postMessage(msg);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on("message", ({ method, bytes, stream }) => {
  const path = `${SERVICE}/${method}`;
  const req = Buffer.from(bytes);
  if (!stream) {
    channel.makeUnaryRequest(path, same, same, req, callMetadata(conn), (err, res) =>
      reply(err ? { error: failure(err) } : { responses: [new Uint8Array(res)] }));
    return;
  }
  const call = channel.makeServerStreamRequest(path, same, same, req, callMetadata(conn));
  const responses = [];
  let done = false;
  call.on("data", (b) => responses.push(new Uint8Array(b)));
  call.on("error", (e) => { if (!done) { done = true; reply({ error: failure(e) }); } });
  call.on("end", () => { if (!done) { done = true; reply({ responses }); } });
});
port.on("close", () => channel.close());
