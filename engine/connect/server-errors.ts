// A Spark Connect server's error as the embedded engine's typed error: the gRPC status carries
// google.rpc.Status in the `grpc-status-details-bin` trailer, whose ErrorInfo names the exception
// classes, Spark's error condition and its parameters. AnalysisException -> AnalysisError,
// ParseException -> ParseError, anything else -> ExecutionError, all with Spark's condition.

import { BinaryReader } from "@bufbuild/protobuf/wire";
import { AnalysisError, ExecutionError, ParseError, WorkbenchError } from "../common/errors";

export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/** The ErrorInfo entries of a serialized google.rpc.Status (fields: 1 code, 2 message, 3 details). */
export function errorInfos(statusBytes: Uint8Array): ErrorInfo[] {
  const out: ErrorInfo[] = [];
  const r = new BinaryReader(statusBytes);
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 3) {
      const any = new BinaryReader(r.bytes());
      let typeUrl = "", value: Uint8Array | undefined;
      while (any.pos < any.len) {
        const [f, w] = any.tag();
        if (f === 1) typeUrl = any.string();
        else if (f === 2) value = any.bytes();
        else any.skip(w);
      }
      if (typeUrl.endsWith("google.rpc.ErrorInfo") && value) out.push(decodeErrorInfo(value));
    } else r.skip(wire);
  }
  return out;
}

function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  const info: ErrorInfo = { reason: "", domain: "", metadata: {} };
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1) info.reason = r.string();
    else if (field === 2) info.domain = r.string();
    else if (field === 3) {
      const e = new BinaryReader(r.bytes());
      let k = "", v = "";
      while (e.pos < e.len) {
        const [f, w] = e.tag();
        if (f === 1) k = e.string();
        else if (f === 2) v = e.string();
        else e.skip(w);
      }
      info.metadata[k] = v;
    } else r.skip(wire);
  }
  return info;
}

/** The typed error for a failed call: `details` is the gRPC message, `statusBytes` the trailer. */
export function serverError(detailsRaw: string, statusBytes: Uint8Array | undefined): WorkbenchError {
  const details = detailsRaw.trim();
  const info = statusBytes ? errorInfos(statusBytes)[0] : undefined;
  let classes: string[] = [];
  try { classes = JSON.parse(info?.metadata.classes ?? "[]") as string[]; } catch { /* not JSON */ }
  if (info?.reason) classes.unshift(info.reason);
  const fromText = /^\[([A-Z0-9_.]+)\]\s*/.exec(details);
  const condition = info?.metadata.errorClass ?? fromText?.[1] ?? "SPARK_CONNECT_ERROR";
  let parameters: Record<string, unknown> = {};
  try { parameters = JSON.parse(info?.metadata.messageParameters ?? "{}") as Record<string, unknown>; } catch { /* not JSON */ }
  if (info?.metadata.sqlState) parameters = { ...parameters, sqlState: info.metadata.sqlState };
  const message = fromText ? details.slice(fromText[0].length) : details;
  const opts = { parameters, context: { remote: true } };
  if (classes.some((c) => /ParseException$/.test(c))) return new ParseError(condition, message, opts);
  if (classes.some((c) => /AnalysisException$/.test(c))) return new AnalysisError(condition, message, opts);
  return new ExecutionError(condition, message, opts);
}
