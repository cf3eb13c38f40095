// A local demo model for `npm start -- --demo-model`: an OpenAI-compatible server with no AI in it,
// enough to see the whole loop offline. Chat answers quote the memory block they are given; fact
// extraction keeps the user's statements about themselves; consolidation joins what it is given.
// Every answer says it comes from the demo model. Any real OpenAI-compatible server (Ollama, a
// hosted API) is the step after: OPENAI_BASE_URL, OPENAI_MODEL and OPENAI_API_KEY.
import { createServer } from "node:http";

export const DEMO_MODEL = "ai-memory-demo";
const LABEL = "[demo model]";
const STOP_WORDS = new Set(
  "a an and are do does did how i is it me my of the to was what where when who why you your".split(" "),
);

const words = (text) =>
  new Set(
    String(text)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.filter((word) => !STOP_WORDS.has(word)) ?? [],
  );

/** The memory block's records (one JSON object per line between the tags), with their text. */
function memoryRecords(system) {
  const block = system.slice(system.lastIndexOf("<memory_data>\n") + 14, system.lastIndexOf("\n</memory_data>"));
  return block
    .split("\n")
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return null;
      }
    })
    .filter((record) => typeof record?.text === "string");
}

/** A chat answer: the record that shares the most words with the question, quoted. */
function chatAnswer(messages) {
  const system = String(messages.find((message) => message.role === "system")?.content ?? "");
  const question = String(messages.findLast((message) => message.role === "user")?.content ?? "");
  const asked = words(question);
  const scored = memoryRecords(system)
    .map((record) => ({ record, score: [...words(record.text)].filter((word) => asked.has(word)).length }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0) return `${LABEL} Nothing in my memory matches that yet. Noted: "${question.slice(0, 300)}"`;
  const best = scored[0].record;
  return `${LABEL} From my memory (${best.kind}): ${best.text.slice(0, 500)}`;
}

/** The user's statements about themselves, in the third person: "My dog is Rex" is "The user's dog is Rex". */
function statementsOf(text) {
  const thirdPerson = (sentence) =>
    sentence
      .replace(/^i am\b|^i'm\b/i, "The user is")
      .replace(/^my\b/i, "The user's")
      .replace(/^i\b/i, "The user")
      .replace(/\bmy\b/gi, "their");
  return String(text)
    .split(/(?<=[.!])\s+|\n+/)
    .map((sentence) => sentence.trim().replace(/[.!]+$/, ""))
    .filter((sentence) => /^(i|i'm|my)\b/i.test(sentence) && sentence.length > 6 && !sentence.includes("?"))
    .map(thirdPerson);
}

/** Fact extraction (functions/src/facts): one "add" per new statement, "none" for one already known. */
function extractionAnswer(messages) {
  const data = JSON.parse(String(messages.findLast((message) => message.role === "user")?.content ?? "{}"));
  const known = new Set((data.known ?? []).map((memory) => String(memory.text).toLowerCase()));
  const decisions = statementsOf(data.exchange?.user ?? "")
    .slice(0, 10)
    .map((fact) => ({
      action: known.has(fact.toLowerCase()) ? "none" : "add",
      fact,
      valid_from: null,
      memory_ref: null,
    }));
  return JSON.stringify({ decisions });
}

/** Consolidation and reflection (functions/src/memory/consolidation-service.ts): the records' user lines, joined. */
function summaryAnswer(messages) {
  const records = String(messages.findLast((message) => message.role === "user")?.content ?? "").split("\n");
  const said = records
    .map((line) => {
      try {
        return String(JSON.parse(line).text)
          .split("\n")[0]
          .replace(/^User:\s*/, "");
      } catch {
        return "";
      }
    })
    .filter(Boolean);
  return `${LABEL} Summary of ${said.length} exchanges: ${said.join("; ").slice(0, 1200)}`;
}

function answerFor(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const system = String(messages[0]?.content ?? "");
  if (body.response_format?.type === "json_schema") return extractionAnswer(messages);
  if (!system.includes("<memory_data>")) return summaryAnswer(messages);
  return chatAnswer(messages);
}

const usageOf = (text) => ({
  prompt_tokens: 0,
  completion_tokens: Math.ceil(text.length / 4),
  total_tokens: Math.ceil(text.length / 4),
});

function sendCompletion(res, body, text) {
  const head = { id: `chatcmpl-demo-${Date.now()}`, created: Math.floor(Date.now() / 1000), model: DEMO_MODEL };
  if (!body.stream) {
    const message = { role: "assistant", content: text, refusal: null };
    const choice = { index: 0, message, finish_reason: "stop", logprobs: null };
    return json(res, 200, { ...head, object: "chat.completion", choices: [choice], usage: usageOf(text) });
  }
  res.writeHead(200, { "Content-Type": "text/event-stream" });
  const chunk = (delta, finish, extra = {}) =>
    res.write(
      `data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
    );
  chunk({ role: "assistant", content: "" }, null);
  for (const piece of text.match(/.{1,40}/gsu) ?? []) chunk({ content: piece }, null);
  chunk({}, "stop", body.stream_options?.include_usage ? { usage: usageOf(text) } : {});
  res.end("data: [DONE]\n\n");
}

const json = (res, status, value) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(value));
};

async function handle(req, res) {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  if (req.method === "GET" && req.url === "/v1/models")
    return json(res, 200, {
      object: "list",
      data: [{ id: DEMO_MODEL, object: "model", created: 0, owned_by: "local demo" }],
    });
  if (req.method !== "POST" || req.url !== "/v1/chat/completions")
    return json(res, 404, { error: { message: `the demo model has no ${req.method} ${req.url}`, type: "not_found" } });
  const body = JSON.parse(raw || "{}");
  sendCompletion(res, body, answerFor(body));
}

/** Listens on 127.0.0.1:port; resolves once it does. */
export async function startDemoModel(port) {
  const server = createServer((req, res) =>
    handle(req, res).catch((error) =>
      json(res, 400, { error: { message: String(error.message), type: "invalid_request_error" } }),
    ),
  );
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return server;
}
