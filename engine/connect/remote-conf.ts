// spark.conf on a remote session: the server's runtime configuration through Spark Connect's
// Config RPC (set, get, unset, getAll, isModifiable), with Spark's error for a key that has no
// value. The session time zone is mirrored into the local SQL session, which prints timestamps.

import type { SparkConnectClient } from "./client";
import type { MapConf } from "../sql/session-types";

const TIME_ZONE = "spark.sql.session.timeZone";

export class RemoteRuntimeConfig {
  /** @internal Made by the session. */
  constructor(private readonly client: SparkConnectClient, private readonly local: MapConf) {}

  set(key: string, value: string | number | boolean): void {
    this.client.configSync({ opType: { case: "set", value: { pairs: [{ key, value: String(value) }] } } });
    if (key === TIME_ZONE) this.local.set(key, String(value));
  }

  /** The value of `key`; `defaultValue` when it has none (without one, Spark's SQL_CONF_NOT_FOUND). */
  get(key: string, defaultValue?: string): string | undefined {
    const r = defaultValue === undefined
      ? this.client.configSync({ opType: { case: "get", value: { keys: [key] } } })
      : this.client.configSync({ opType: { case: "getWithDefault", value: { pairs: [{ key, value: defaultValue }] } } });
    return r.pairs[0]?.value;
  }

  unset(key: string): void {
    this.client.configSync({ opType: { case: "unset", value: { keys: [key] } } });
  }

  getAll(prefix?: string): Record<string, string> {
    const r = this.client.configSync({ opType: { case: "getAll", value: { prefix } } });
    return Object.fromEntries(r.pairs.map((p) => [p.key, p.value ?? ""]));
  }

  isModifiable(key: string): boolean {
    const r = this.client.configSync({ opType: { case: "isModifiable", value: { keys: [key] } } });
    return r.pairs[0]?.value === "true";
  }
}
