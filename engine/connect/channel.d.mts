import type * as grpc from "@grpc/grpc-js";
import type { ConnectionString } from "./connection-string";

export declare const SERVICE: string;
export declare function openChannel(conn: ConnectionString): grpc.Client;
export declare function callMetadata(conn: ConnectionString): grpc.Metadata;
export interface CallFailure { code: number; details: string; status?: Uint8Array }
export declare function failure(e: unknown): CallFailure;
export declare const UNAVAILABLE: number;
