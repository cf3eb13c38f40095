import { AppError } from "../errors";
import type { ServerTool } from "./server-tool";
import { assertArguments, type httpToolSchema } from "./tool-schemas";
import { withSecrets } from "./tool-store";
import type { z } from "zod";

/** The most of a tool's answer read; the rest is cut (the model sees at most MAX_RESULT_CHARS of it). */
export const MAX_RESPONSE_BYTES = 64_000;

export interface HttpToolConfig {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  http: z.infer<typeof httpToolSchema>;
}

/** Reads at most `maxBytes` of a body, then stops reading (the connection is dropped). */
async function readCapped(response: Response, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: "", cut: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      cut = true;
      await reader.cancel();
      break;
    }
  }
  return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8"), cut };
}

/** GET and DELETE send the arguments as query parameters; the other methods as a JSON body. */
function requestFor(config: HttpToolConfig, args: Record<string, unknown>) {
  const url = new URL(config.http.url);
  const hasBody = !["GET", "DELETE"].includes(config.http.method);
  if (!hasBody)
    for (const [key, value] of Object.entries(args))
      url.searchParams.set(key, typeof value === "string" ? value : JSON.stringify(value));
  return { url, body: hasBody ? JSON.stringify(args) : undefined };
}

export function httpTool(config: HttpToolConfig, secrets: Map<string, string>, fetcher: typeof fetch): ServerTool {
  return {
    name: config.name,
    description: config.description,
    parameters: config.parameters,
    kind: "http",
    timeoutMs: config.http.timeout_ms,
    validate(args) {
      assertArguments(config.parameters, args);
      return args as Record<string, unknown>;
    },
    async run(args, signal) {
      const { url, body } = requestFor(config, args);
      const headers = {
        accept: "application/json, text/plain;q=0.9, */*;q=0.5",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...withSecrets(config.http.headers, secrets),
      };
      let response: Response;
      try {
        response = await fetcher(url, { method: config.http.method, headers, body, signal });
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError("upstream_error", `the tool could not be reached: ${(error as Error).message}`);
      }
      const { text, cut } = await readCapped(response, MAX_RESPONSE_BYTES);
      if (!response.ok)
        throw new AppError("upstream_error", `the tool answered HTTP ${response.status}: ${text.slice(0, 500)}`);
      const json = (response.headers.get("content-type") ?? "").includes("json") && !cut;
      if (!json) return cut ? `${text} [cut at ${MAX_RESPONSE_BYTES} bytes]` : text;
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    },
  };
}
