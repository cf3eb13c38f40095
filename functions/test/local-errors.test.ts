import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { ADMIN } from "../../test-support/emulator";
import { functionUrl } from "../../test-support/function-url";

/**
 * Bad requests through the emulators answer as deployed: the API's JSON error, through Hosting and
 * the function's own URL alike (scripts/emulator-patches.cjs), never an HTML page or a proxy's 500.
 */
const HOSTING = process.env.AI_MEMORY_HOSTING_URL!;

/** A raw POST, as curl sends a large body: with `Expect: 100-continue`, which fetch cannot send. */
function post(url: string, body: string, expectContinue: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: ADMIN, "Content-Type": "application/json" };
    if (expectContinue) headers.Expect = "100-continue";
    const call = request(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    call.on("error", reject);
    if (expectContinue) call.on("continue", () => call.end(body));
    else call.end(body);
  });
}

describe("bad requests on the emulators", () => {
  it("answers malformed JSON with the API's 400, through Hosting and the function's URL", async () => {
    for (const base of [HOSTING, await functionUrl()]) {
      const answer = await post(`${base}/v1/handshake`, "{bad", false);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: "invalid_argument", message: "body: malformed JSON", details: { field: "body" } },
      });
    }
  });

  it("answers a body over the limit with the API's 413 through Hosting, streamed, with Expect: 100-continue", async () => {
    const huge = JSON.stringify({ ai_name: "x".repeat(2_000_000) });
    const answer = await post(`${HOSTING}/v1/handshake`, huge, true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: "payload_too_large", details: { field: "body" } });
  });
});
