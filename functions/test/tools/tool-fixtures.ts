import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { expect } from "vitest";
import type { App } from "../../../test-support/chat-app";
import { ADMIN, db } from "../../../test-support/emulator";

/** What the tool suites share: a local HTTP server standing in for an API, and admin calls. */

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ToolServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 whose answer per path the test chooses. */
export async function toolServer(
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
): Promise<ToolServer> {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    await answer(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

export async function putTool(app: App, aiUuid: string, name: string, body: object) {
  const response = await request(app).put(`/v1/ais/${aiUuid}/tools/${name}`).set("Authorization", ADMIN).send(body);
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
  return response.body;
}

export async function putSecret(app: App, aiUuid: string, name: string, value: string) {
  const response = await request(app)
    .put(`/v1/ais/${aiUuid}/secrets/${name}`)
    .set("Authorization", ADMIN)
    .send({ value });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

export async function setSettings(app: App, aiUuid: string, settings: Record<string, unknown>) {
  const response = await request(app).patch(`/v1/ais/${aiUuid}`).set("Authorization", ADMIN).send({ settings });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

/** The `tool_call` events of an AI's room, oldest first. */
export async function toolCallEvents(aiUuid: string) {
  const snapshot = await db.collection(`ai_registry/${aiUuid}/events`).where("event", "==", "tool_call").get();
  return snapshot.docs
    .map((doc) => doc.data())
    .sort((a, b) => a.at.toMillis() - b.at.toMillis() || String(a.id).localeCompare(String(b.id)));
}

/** The stored chat (`chats/{id}`) of an answer. */
export const storedChat = async (chatId: string) => (await db.collection("chats").doc(chatId).get()).data();

/** The tool messages of a recorded model request. */
export const toolMessagesOf = (body: Record<string, unknown>) =>
  (body.messages as Array<{ role: string; content: string; tool_call_id?: string }>).filter(
    (message) => message.role === "tool",
  );
