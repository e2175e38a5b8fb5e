// Shape checks for messages a worker sends the driver. A peer holding the token can still send
// garbage (a bug, a fuzzer, a hostile process): the driver checks every frame before it acts on
// it and closes the connection with a reason instead of crashing on a missing field.

import type { WorkerToDriver } from "./protocol";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);
const isStr = (v: unknown, max = 4096): v is string => typeof v === "string" && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function checkWireError(e: unknown): string | undefined {
  if (!isObj(e)) return "error is not an object";
  if (!isStr(e.name, 1000) || !isStr(e.message, 1 << 20) || typeof e.condition !== "string" || typeof e.kind !== "string") return "error lacks kind/name/condition/message strings";
  return undefined;
}

function checkTaskEnd(m: Obj): string | undefined {
  if (!isInt(m.taskId)) return "taskEnd.taskId is not an integer";
  if (!["success", "failed", "fetchFailed", "killed"].includes(m.status as string)) return `taskEnd.status ${JSON.stringify(m.status)} is unknown`;
  if (m.result !== undefined && !isBytes(m.result)) return "taskEnd.result is not bytes";
  if (m.status === "success" && !isBytes(m.result)) return "a successful taskEnd carries no result";
  if (m.error !== undefined) { const why = checkWireError(m.error); if (why) return `taskEnd.${why}`; }
  if (m.status === "fetchFailed") {
    const f = m.fetchFailed;
    if (!isObj(f) || !isInt(f.shuffleId) || !isInt(f.mapId) || !isInt(f.reduceId) || typeof f.address !== "string") return "taskEnd.fetchFailed is malformed";
  }
  if (!isObj(m.metrics) || !Object.values(m.metrics).every(isNum)) return "taskEnd.metrics must map names to numbers";
  if (!Array.isArray(m.accumulators) || !m.accumulators.every((a) => isObj(a) && isInt(a.id))) return "taskEnd.accumulators is malformed";
  if (!Array.isArray(m.blocksAdded) || !m.blocksAdded.every((b) => isObj(b) && isStr(b.blockId) && (b.where === "memory" || b.where === "disk") && isNum(b.bytes))) return "taskEnd.blocksAdded is malformed";
  if (!Array.isArray(m.blocksRemoved) || !m.blocksRemoved.every((b) => isStr(b))) return "taskEnd.blocksRemoved is malformed";
  return undefined;
}

/** Why `msg` is not a valid WorkerToDriver message, or undefined when it is. */
export function validateWorkerMessage(msg: unknown): string | undefined {
  if (!isObj(msg)) return `expected a message object, got ${msg === null ? "null" : Array.isArray(msg) ? "an array" : typeof msg}`;
  switch (msg.t) {
    case "register":
      if (!isStr(msg.workerId, 256) || msg.workerId === "") return "register.workerId must be a non-empty string";
      if (!isInt(msg.pid) || !isStr(msg.host, 256) || !isInt(msg.slots) || (msg.slots as number) < 1 || (msg.slots as number) > 1024) return "register needs pid, host and 1..1024 slots";
      if (!isStr(msg.shuffleAddress) || !isStr(msg.localDir)) return "register needs shuffleAddress and localDir strings";
      return undefined;
    case "heartbeat":
      return isStr(msg.workerId, 256) && isNum(msg.time) && (msg.rssBytes === undefined || isNum(msg.rssBytes)) ? undefined : "heartbeat needs workerId and time (and a numeric rssBytes when given)";
    case "taskEnd":
      return checkTaskEnd(msg);
    case "serviceReply":
      if (!isInt(msg.reqId)) return "serviceReply.reqId is not an integer";
      if (msg.error !== undefined) { const why = checkWireError(msg.error); if (why) return `serviceReply.${why}`; }
      return undefined;
    case "log":
      return ["info", "warn", "error"].includes(msg.level as string) && isStr(msg.text, 1 << 20) ? undefined : "log needs a level and a text";
    default:
      return `unknown message type ${JSON.stringify(String(msg.t)).slice(0, 60)}`;
  }
}

/** The message narrowed to its type once validateWorkerMessage accepted it. */
export function asWorkerMessage(msg: unknown): WorkerToDriver | undefined {
  return validateWorkerMessage(msg) === undefined ? (msg as WorkerToDriver) : undefined;
}
