import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { BadCase } from "./bad-input-cases";
import { toJsonText } from "./schema-mutations";

export interface ProbeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { message?: string; param?: string | null; details?: { field?: string; issues?: Array<{ field: string }> } | null } } | null;
  /** Set when no answer came within the bound: a hang. */
  timedOut?: boolean;
}

/** The app of the test process on a real port, so requests carry raw paths (`%2E`, `%`) unnormalized. */
export async function listen(app: Express): Promise<{ baseUrl: string; close: () => void }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const queryString = (query: BadCase["query"]): string => {
  const parts = Object.entries(query ?? {}).flatMap(([key, value]) =>
    [value].flat().map((each) => `${encodeURIComponent(key)}=${encodeURIComponent(each)}`),
  );
  return parts.length ? `?${parts.join("&")}` : "";
};

/** Sends one case over plain HTTP, bounded by `timeoutMs`; the path goes on the wire byte for byte. */
export function probe(baseUrl: string, c: BadCase, authorization: string, timeoutMs = 15_000): Promise<ProbeAnswer> {
  const url = new URL(baseUrl);
  const payload = c.raw ? c.raw.text : c.body === undefined ? undefined : toJsonText(c.body);
  const headers: Record<string, string> = { Authorization: authorization, ...c.headers };
  if (payload !== undefined) {
    headers["Content-Type"] = c.raw?.type ?? "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: c.method.toUpperCase(), path: `${url.pathname.replace(/\/$/, "")}${c.path}${queryString(c.query)}`, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: ProbeAnswer["body"] = null;
          try {
            body = JSON.parse(text) as ProbeAnswer["body"];
          } catch {
            body = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      resolve({ status: 0, headers: {}, body: null, timedOut: true });
    });
    req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
    req.end(payload);
  });
}

/** The field an error answer names: `details.field` in our shape, `param` in OpenAI's. */
export function namedField(answer: ProbeAnswer): string | null {
  const error = answer.body?.error;
  if (!error) return null;
  if ("param" in error) return error.param ?? null;
  return error.details?.field ?? error.details?.issues?.[0]?.field ?? null;
}

/**
 * What is wrong with an answer to a bad case, or null: no 5xx, no hang, no success; a 400 (413 for
 * sizes) that names the field, or a 404 when a path no longer names a route or a document.
 * `alsoAllowed`: e.g. 403 for a caller the route refuses before reading the request.
 */
export function verdict(c: BadCase, answer: ProbeAnswer, alsoAllowed: number[] = []): string | null {
  if (answer.timedOut) return "no answer (hang)";
  if (answer.status >= 500) return `${answer.status} ${JSON.stringify(answer.body)}`;
  // JSON-RPC refuses in the body (an error, or a tool result marked isError); 202 is a batch with nothing to answer.
  if (c.jsonRpc) {
    const refused = answer.status >= 400 || answer.status === 202 || answer.body?.error || (answer.body as { result?: { isError?: boolean } })?.result?.isError;
    return refused ? null : `accepted (${answer.status})`;
  }
  if (answer.status < 400) return `accepted (${answer.status})`;
  const allowed = [400, 413, ...(c.name.includes(" path ") ? [404] : []), ...alsoAllowed];
  if (!allowed.includes(answer.status)) return `${answer.status} ${JSON.stringify(answer.body)}`;
  if (answer.status !== 400) return null;
  const field = namedField(answer);
  if (!field) return `400 without a field: ${JSON.stringify(answer.body)}`;
  if (!answer.body?.error?.message?.includes(field)) return `400 message does not name ${field}: ${answer.body?.error?.message}`;
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  if (c.field && !related(field, c.field)) return `400 names ${field}, not ${c.field}`;
  return null;
}

/** Runs `work` over `items`, `width` at a time. */
export async function inPool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
