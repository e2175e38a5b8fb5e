// The gRPC channel to a Spark Connect server (@grpc/grpc-js), one home for how it is opened: the
// address, TLS when use_ssl=true, and the bearer token (as call credentials over TLS, as an
// `authorization` header on a plaintext channel, which is what Spark's clients do on loopback).
// Plain JavaScript so that the synchronous-call thread (sync-thread.mjs) loads it without tsx.
import * as grpc from "@grpc/grpc-js";

export const SERVICE = "/spark.connect.SparkConnectService";

/** A channel to `conn` ({ host, port, useSsl, token }). */
export function openChannel(conn) {
  let creds = conn.useSsl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  if (conn.token && conn.useSsl) {
    const bearer = grpc.credentials.createFromMetadataGenerator((_p, cb) => {
      const md = new grpc.Metadata();
      md.set("authorization", `Bearer ${conn.token}`);
      cb(null, md);
    });
    creds = grpc.credentials.combineChannelCredentials(creds, bearer);
  }
  const host = conn.host.includes(":") ? `[${conn.host}]` : conn.host;
  return new grpc.Client(`${host}:${conn.port}`, creds, { "grpc.max_receive_message_length": 128 * 1024 * 1024 });
}

/** Per-call metadata: the token on a plaintext channel. */
export function callMetadata(conn) {
  const md = new grpc.Metadata();
  if (conn.token && !conn.useSsl) md.set("authorization", `Bearer ${conn.token}`);
  return md;
}

/** What a failed call carries across a thread: the status code, its text and the details trailer. */
export function failure(e) {
  const status = e?.metadata?.get?.("grpc-status-details-bin")?.[0];
  return {
    code: typeof e?.code === "number" ? e.code : -1,
    details: String(e?.details ?? e?.message ?? e),
    status: status instanceof Uint8Array ? new Uint8Array(status) : undefined,
  };
}

export const UNAVAILABLE = grpc.status.UNAVAILABLE;
