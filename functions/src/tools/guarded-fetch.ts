import { type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { Readable } from "node:stream";
import { AppError } from "../errors";
import { type AddressPolicy, forbiddenReason, guardedLookup, type Resolver, refusedAddress } from "./address-guard";

/**
 * fetch for tools, on node:http: every hop of a request (redirects included, at most
 * MAX_REDIRECTS) must be https (http only where loopback is allowed, i.e. locally), and the
 * address each socket connects to is checked, whether it came from DNS or was written in the URL.
 * No connection is reused, so every hop resolves and is checked anew.
 */
export interface FetchPolicy extends AddressPolicy {
  resolve?: Resolver;
}

const MAX_REDIRECTS = 3;
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Headers that survive a redirect to another origin: a tool's own (its secrets) do not. */
const PORTABLE_HEADERS = ["accept", "content-type", "user-agent"];

export function assertToolUrl(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowLoopback))
    throw new AppError("permission_denied", `tool address refused: ${url.origin} is not https`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    const reason = forbiddenReason(host, policy);
    if (reason) throw refusedAddress(host, host, reason);
  }
}

interface Hop {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer | null;
}

const recordOf = (headers: ConstructorParameters<typeof Headers>[0]): Record<string, string> => {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    record[name] = value;
  });
  return record;
};

function send(hop: Hop, policy: FetchPolicy, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  assertToolUrl(hop.url, policy);
  const request = hop.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(hop.url, {
      method: hop.method,
      headers: hop.headers,
      agent: false,
      lookup: guardedLookup(policy, policy.resolve),
      signal,
    });
    req.on("socket", (socket) =>
      socket.once("connect", () => {
        const address = socket.remoteAddress ?? "";
        const reason = forbiddenReason(address, policy);
        if (reason) req.destroy(refusedAddress(hop.url.hostname, address, reason));
      }),
    );
    req.once("response", resolve);
    req.once("error", reject);
    req.end(hop.body ?? undefined);
  });
}

function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url);
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === "POST");
  const headers = Object.fromEntries(
    Object.entries(hop.headers).filter(
      ([name]) =>
        (url.origin === hop.url.origin || PORTABLE_HEADERS.includes(name)) && !(toGet && name === "content-type"),
    ),
  );
  return { url, method: toGet ? "GET" : hop.method, headers, body: toGet ? null : hop.body };
}

async function bodyOf(init: RequestInit | undefined, input: Request | null): Promise<Buffer | null> {
  const body = init?.body ?? (input ? await input.arrayBuffer() : null);
  if (body === null || body === undefined) return null;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof ArrayBuffer) return body.byteLength ? Buffer.from(body) : null;
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
}

export function guardedFetch(policy: FetchPolicy): typeof fetch {
  return async (input, init) => {
    const given = input instanceof Request ? input : null;
    let hop: Hop = {
      url: new URL(given ? given.url : String(input)),
      method: (init?.method ?? given?.method ?? "GET").toUpperCase(),
      headers: recordOf(init?.headers ?? given?.headers),
      body: await bodyOf(init, given),
    };
    const signal = init?.signal ?? given?.signal ?? undefined;
    for (let redirects = 0; ; redirects++) {
      const response = await send(hop, policy, signal);
      const status = response.statusCode ?? 500;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && init?.redirect !== "manual") {
        response.resume();
        if (redirects >= MAX_REDIRECTS)
          throw new AppError("upstream_error", `the tool redirected more than ${MAX_REDIRECTS} times`);
        hop = nextHop(hop, status, location);
        continue;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers))
        for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
          headers.append(name, item);
      const body = NULL_BODY.has(status) ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
      if (!body) response.resume();
      return new Response(body, { status, statusText: response.statusMessage, headers });
    }
  };
}
