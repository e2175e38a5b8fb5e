import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, newHeader, WireFormatError } from "./wire";

const KEY = "secret-key";

function frames(parts: object[], key = KEY, ids: Buffer[] = [Buffer.from("client-1")]): Buffer[] {
  const body = parts.map((p) => Buffer.from(JSON.stringify(p)));
  const h = createHmac("sha256", key);
  for (const b of body) h.update(b);
  return [...ids, Buffer.from("<IDS|MSG>"), Buffer.from(h.digest("hex")), ...body];
}

describe("wire protocol", () => {
  it("decodes a message signed as jupyter_client signs it", () => {
    const header = { msg_id: "m1", session: "s", username: "u", date: "d", msg_type: "execute_request", version: "5.3" };
    const m = decodeMessage(frames([header, {}, {}, { code: "1" }]), KEY);
    expect(m.identities.map(String)).toEqual(["client-1"]);
    expect(m.header.msg_type).toBe("execute_request");
    expect(m.content).toEqual({ code: "1" });
  });

  it("rejects a wrong signature and a missing delimiter", () => {
    const header = { msg_id: "m1", msg_type: "x" };
    expect(() => decodeMessage(frames([header, {}, {}, {}], "other"), KEY)).toThrow(WireFormatError);
    expect(() => decodeMessage([Buffer.from("a"), Buffer.from("b")], KEY)).toThrow(WireFormatError);
  });

  it("round-trips through encode with identities and a parent header", () => {
    const parent = newHeader("execute_request", "client-session");
    const msg = { identities: [Buffer.from("id-a"), Buffer.from("id-b")], header: newHeader("execute_reply", "k"), parent_header: parent, metadata: { a: 1 }, content: { status: "ok" }, buffers: [] };
    const out = encodeMessage(msg, KEY);
    const back = decodeMessage(out, KEY);
    expect(back.identities.map(String)).toEqual(["id-a", "id-b"]);
    expect(back.parent_header).toEqual(parent);
    expect(back.content).toEqual({ status: "ok" });
    expect(back.header.version).toBe("5.3");
  });

  it("accepts unsigned messages when the key is empty", () => {
    const out = encodeMessage({ identities: [], header: newHeader("status", "k"), parent_header: {}, metadata: {}, content: { execution_state: "idle" }, buffers: [] }, "");
    expect(String(out[1])).toBe("");
    expect(decodeMessage(out, "").content).toEqual({ execution_state: "idle" });
  });
});
