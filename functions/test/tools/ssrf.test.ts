import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, chatApp, chatAs } from "../../../test-support/chat-app";
import { newAi } from "../../../test-support/emulator";
import type { FakeOpenAi } from "../../../test-support/fake-openai-server";
import type { Resolver } from "../../src/tools/address-guard";
import { guardedFetch } from "../../src/tools/guarded-fetch";
import { putTool, sendJson, type ToolServer, toolServer } from "./tool-fixtures";

let api: ToolServer;
let app: App;
let fake: FakeOpenAi;
beforeAll(async () => {
  ({ app, fake } = await chatApp());
  api = await toolServer((req, res) => {
    const redirect = /^\/to\/(.+)$/.exec(req.url ?? "");
    if (redirect) {
      res.writeHead(302, { location: decodeURIComponent(redirect[1]) });
      res.end();
      return;
    }
    sendJson(res, 200, { ok: true });
  });
});
afterAll(async () => {
  await api.close();
  await fake.close();
});

const local = guardedFetch({ allowLoopback: true });
const deployed = guardedFetch({ allowLoopback: false });
const refused = (promise: Promise<unknown>, reason: RegExp) =>
  expect(promise).rejects.toMatchObject({ code: "permission_denied", message: expect.stringMatching(reason) });

/** A DNS whose answers the test chooses, one per lookup. */
function dns(...answers: string[]): Resolver {
  let calls = 0;
  return ((_host: string, _options: unknown, callback: (error: null, addresses: LookupAddress[]) => void) => {
    const address = answers[Math.min(calls++, answers.length - 1)];
    callback(null, [{ address, family: address.includes(":") ? 6 : 4 }]);
  }) as unknown as Resolver;
}

describe("no way in through a tool URL", () => {
  it("deployed, a tool must be https and must not be loopback, private, link-local or metadata", async () => {
    await refused(deployed(`${api.url}/`), /is not https/);
    for (const host of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "[::1]", "[fd00::1]"])
      await refused(deployed(`https://${host}/`), /loopback|private/);
    await refused(deployed("https://[::ffff:169.254.169.254]/"), /private/);
  });

  it("under the emulators loopback is allowed, nothing else private is", async () => {
    expect((await local(`${api.url}/`)).status).toBe(200);
    await refused(local("http://10.0.0.8/"), /private/);
    await refused(local("http://169.254.169.254/computeMetadata/v1/"), /private/);
  });

  it("a redirect is checked like the first address: to metadata it is refused", async () => {
    await refused(local(`${api.url}/to/${encodeURIComponent("http://169.254.169.254/latest/meta-data")}`), /private/);
    const fine = await local(`${api.url}/to/${encodeURIComponent(`${api.url}/landed`)}`);
    expect(fine.status).toBe(200);
    expect(api.requests.at(-1)?.url).toBe("/landed");
  });

  it("a name is checked on the address actually connected: DNS that changes its answer is caught", async () => {
    const port = new URL(api.url).port;
    const rebinding = guardedFetch({ allowLoopback: true, resolve: dns("127.0.0.1", "10.0.0.7") });
    expect((await rebinding(`http://rebind.test:${port}/`)).status).toBe(200);
    await refused(rebinding(`http://rebind.test:${port}/`), /rebind\.test resolves to 10\.0\.0\.7/);
    const privateName = guardedFetch({ allowLoopback: false, resolve: dns("192.168.0.20") });
    await refused(privateName("https://intranet.example/"), /private/);
  });

  it("in a chat, a tool aimed at a private address fails its call, never the chat", async () => {
    const ai = await newAi("Curious");
    await putTool(app, ai.ai_uuid, "metadata", {
      description: "Reads instance metadata",
      http: { url: "http://169.254.169.254/computeMetadata/v1/", method: "GET" },
    });
    fake.script("ssrf-chat", [{ tool_calls: [{ name: "metadata", arguments: "{}" }] }, { content: "No luck." }]);
    const answer = await chatAs(app, ai, { model: "ssrf-chat", messages: [{ role: "user", content: "Peek" }] });
    expect(answer.status).toBe(200);
    expect(answer.body.memory.tool_calls[0]).toMatchObject({ status: "error" });
    expect(answer.body.memory.tool_calls[0].error).toMatch(/refused/);
  });
});
