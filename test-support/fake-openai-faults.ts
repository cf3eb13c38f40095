import type { IncomingMessage, ServerResponse } from "node:http";
import { apiError, json, sleep } from "./fake-openai-http";

/** The faults of the fake OpenAI server that a model name asks for (see fake-openai-server.ts). */

/** Sends an answer and says the request was handled. */
const answered = (send: () => unknown): true => {
  send();
  return true;
};

/** A fault the model name asks for, answered here; false when the request should be served. */
export async function fault(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  model: string,
  seen: Set<string>,
): Promise<boolean> {
  const failure = /^fail-(\d{3})$/.exec(model);
  if (failure) return answered(() => apiError(res, Number(failure[1]), `fake upstream failure ${failure[1]}`));
  const limited = /^ratelimit-(\d+)$/.exec(model);
  if (limited)
    return answered(() =>
      apiError(res, 429, "Rate limit reached, slow down", { headers: { "retry-after": limited[1] } }),
    );
  const flaky = /^flaky-(\d{3})$/.exec(model);
  const key = JSON.stringify(body.messages);
  if (flaky && !seen.has(key)) {
    seen.add(key);
    return answered(() =>
      apiError(res, Number(flaky[1]), `fake transient failure ${flaky[1]}`, { headers: { "retry-after": "0" } }),
    );
  }
  if (model === "no-stream-options" && body.stream_options !== undefined) {
    return answered(() =>
      apiError(res, 400, "Unrecognized request argument supplied: stream_options", { param: "stream_options" }),
    );
  }
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]));
  if (model === "never") return await new Promise<boolean>((resolve) => req.socket.once("close", () => resolve(true)));
  if (model === "stall-body")
    return answered(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id": "chatcmpl-stall", "choices": [');
    });
  if (model === "text-plain")
    return answered(() => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("Hello, I am not JSON");
    });
  if (model === "empty-object") return answered(() => json(res, 200, {}));
  if (model === "no-choices")
    return answered(() =>
      json(res, 200, { id: "chatcmpl-none", object: "chat.completion", created: 0, model, choices: [] }),
    );
  return false;
}
