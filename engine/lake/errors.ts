// Delta's concurrency exceptions (io.delta.exceptions.*), with the names delta-spark gives them:
// a writer that loses the race for a version and whose transaction conflicts with the winner's.

import { ExecutionError } from "../common/errors";

export class DeltaConcurrentModificationException extends ExecutionError {
  /** The exception's Delta name, e.g. ConcurrentAppendException. */
  readonly deltaName: string = "DeltaConcurrentModificationException";
  override get name(): string { return this.deltaName; }
}

function make(deltaName: string, condition: string, explain: string) {
  return class extends DeltaConcurrentModificationException {
    override readonly deltaName = deltaName;
    constructor(detail: string, params: Record<string, unknown> = {}) {
      super(condition, `${explain} ${detail}\nRefer to https://docs.delta.io/latest/concurrency-control.html for more details.`, { parameters: params });
    }
  };
}

export const ConcurrentAppendException = make("ConcurrentAppendException", "DELTA_CONCURRENT_APPEND", "Files were added to the table by a concurrent update.");
export const ConcurrentDeleteReadException = make("ConcurrentDeleteReadException", "DELTA_CONCURRENT_DELETE_READ", "This transaction attempted to read one or more files that were deleted by a concurrent update.");
export const ConcurrentDeleteDeleteException = make("ConcurrentDeleteDeleteException", "DELTA_CONCURRENT_DELETE_DELETE", "This transaction attempted to delete one or more files that were deleted by a concurrent update.");
export const MetadataChangedException = make("MetadataChangedException", "DELTA_METADATA_CHANGED", "The metadata of the Delta table has been changed by a concurrent update.");
export const ProtocolChangedException = make("ProtocolChangedException", "DELTA_PROTOCOL_CHANGED", "The protocol version of the Delta table has been changed by a concurrent update.");
export const ConcurrentTransactionException = make("ConcurrentTransactionException", "DELTA_CONCURRENT_TRANSACTION", "This error occurs when multiple streaming queries are using the same checkpoint to write into this table.");
