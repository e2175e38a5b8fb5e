// The error a reduce task raises when a map output it needs cannot be read: the scheduler reacts
// by marking that map output lost and resubmitting the map stage (Spark's FetchFailed). The ids
// live in `parameters` too, so they survive errorToWire/errorFromWire; use FetchFailedError.from.

import { ExecutionError, WorkbenchError } from "../common/errors";

export type FetchFailureReason =
  | "missing"        // the holder answered but has no such map output (file gone, never written)
  | "connection"     // could not connect, or the connection closed mid-fetch
  | "unauthorized"   // the holder refused our token
  | "timeout"        // no progress for too long
  | "protocol"       // the holder sent something we could not understand
  | "corrupt";       // index/data file inconsistent

export class FetchFailedError extends ExecutionError {
  readonly shuffleId: number;
  readonly mapId: number;
  readonly reduceId: number;
  readonly address: string;
  readonly reason: FetchFailureReason;

  constructor(f: { shuffleId: number; mapId: number; reduceId: number; address: string; reason: FetchFailureReason; detail?: string; cause?: unknown }) {
    super(
      "FETCH_FAILED",
      `Failed to fetch shuffle block shuffle_${f.shuffleId}_${f.mapId}_${f.reduceId} from ${f.address || "local disk"} (${f.reason})${f.detail ? `: ${f.detail}` : ""}`,
      {
        parameters: { shuffleId: f.shuffleId, mapId: f.mapId, reduceId: f.reduceId, address: f.address, reason: f.reason },
        cause: f.cause,
      },
    );
    this.shuffleId = f.shuffleId;
    this.mapId = f.mapId;
    this.reduceId = f.reduceId;
    this.address = f.address;
    this.reason = f.reason;
  }

  /** Recognise a fetch failure, whether thrown here or rebuilt from the wire as a plain ExecutionError. */
  static from(e: unknown): FetchFailedError | undefined {
    if (e instanceof FetchFailedError) return e;
    if (e instanceof WorkbenchError && e.condition === "FETCH_FAILED") {
      const p = e.parameters;
      return new FetchFailedError({
        shuffleId: Number(p.shuffleId), mapId: Number(p.mapId), reduceId: Number(p.reduceId),
        address: String(p.address ?? ""), reason: (p.reason as FetchFailureReason) ?? "connection", cause: e,
      });
    }
    return undefined;
  }
}
