import type { IncomingMessage, ServerResponse } from "node:http";

/** The HTTP of the fake OpenAI server: JSON in and out, and OpenAI's error body. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

export const apiError = (
  res: ServerResponse,
  status: number,
  message: string,
  extra: { param?: string; headers?: Record<string, string> } = {},
) =>
  json(
    res,
    status,
    {
      error: {
        message,
        type: status === 429 ? "rate_limit_error" : "fake_error",
        code: `fake_${status}`,
        param: extra.param ?? null,
      },
    },
    extra.headers,
  );
