// Spark Connect (issue 15, first slice): the client for a real Spark behind sc://host:port.
export { parseConnectionString, DEFAULT_CONNECT_PORT, type ConnectionString } from "./connection-string";
export { SparkConnectClient } from "./client";
export { RemoteSparkSession } from "./remote-session";
export { RemoteSqlSession } from "./remote-sql-session";
export { serverError, errorInfos } from "./server-errors";
export type { RemoteRow, RemoteResult } from "./arrow-rows";
