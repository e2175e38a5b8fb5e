// Spark Connect's connection string: sc://host[:port][/;param=value;...] with the parameters the
// Spark Connect clients understand (token, use_ssl, user_id, user_agent, session_id), and
// SPARK_REMOTE from the environment when no string is given.

import { AnalysisError } from "../common/errors";

export interface ConnectionString {
  host: string;
  port: number;
  token?: string;
  useSsl: boolean;
  userId?: string;
  userAgent?: string;
  sessionId?: string;
}

export const DEFAULT_CONNECT_PORT = 15002;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(url: string, why: string): AnalysisError {
  return new AnalysisError("INVALID_CONNECT_URL", `Invalid URL for Spark Connect: ${why} (got ${JSON.stringify(url)}; expected sc://host:port/;param=value).`, { parameters: { url } });
}

export function parseConnectionString(url: string | undefined = process.env.SPARK_REMOTE): ConnectionString {
  if (!url) throw invalid(String(url), "no connection string and SPARK_REMOTE is not set");
  const m = /^sc:\/\/(\[[^\]]+\]|[^:/;]+)(?::(\d+))?(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw invalid(url, "it must start with sc:// and name a host");
  const [, hostRaw, portText, rest] = m;
  const port = portText === undefined ? DEFAULT_CONNECT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(url, `port ${portText} is not a port number`);
  const out: ConnectionString = { host: hostRaw!.replace(/^\[|\]$/g, ""), port, useSsl: false };
  const params = (rest ?? "").replace(/^;/, "");
  if (params) {
    for (const kv of params.split(";").filter(Boolean)) {
      const eq = kv.indexOf("=");
      if (eq <= 0) throw invalid(url, `parameter "${kv}" is not key=value`);
      const key = kv.slice(0, eq), value = decodeURIComponent(kv.slice(eq + 1));
      switch (key) {
        case "token": out.token = value; break;
        case "use_ssl": out.useSsl = value.toLowerCase() === "true"; break;
        case "user_id": out.userId = value; break;
        case "user_agent": out.userAgent = value; break;
        case "session_id":
          if (!UUID.test(value)) throw invalid(url, `session_id must be a UUID, got "${value}"`);
          out.sessionId = value;
          break;
        default: throw invalid(url, `unknown parameter "${key}" (known: token, use_ssl, user_id, user_agent, session_id)`);
      }
    }
  }
  return out;
}
