import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../functions/test/support/emulator";
// @ts-expect-error: a plain ESM script, without declarations
import { apiTypes } from "../scripts/api-types.mjs";
import { adminClient } from "./helpers";

/** The package as a user gets it: built, packed, installed into a scratch project and used from there. */

const clientDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const rootDir = join(clientDir, "..");
const scratch = mkdtempSync(join(tmpdir(), "ai-memory-scratch-"));
let packed: string[] = [];

/** Runs a script of the scratch project; asynchronously, since the API it calls is served by this process. */
const node = async (file: string) =>
  (
    await promisify(execFile)(process.execPath, [file], {
      cwd: scratch,
      encoding: "utf8",
      env: { ...process.env, API_URL: adminClient().baseURL, API_KEY: process.env.ADMIN_API_KEY },
    })
  ).stdout;

beforeAll(() => {
  execFileSync(process.execPath, [join(clientDir, "scripts/build.mjs")], { cwd: clientDir, stdio: "inherit" });
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], { cwd: clientDir, encoding: "utf8" }));
  packed = pack.files.map((file: { path: string }) => file.path);
  mkdirSync(join(scratch, "node_modules"));
  execFileSync("tar", ["-xzf", join(scratch, pack.filename), "-C", join(scratch, "node_modules")]);
  renameSync(join(scratch, "node_modules/package"), join(scratch, "node_modules/ai-memory-client"));
  // The optional peer dependency, as the user's own install would provide it.
  symlinkSync(join(rootDir, "node_modules/firebase"), join(scratch, "node_modules/firebase"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
}, 120_000);

const USE = `
  const api = new AiMemory({ baseURL: process.env.API_URL, apiKey: process.env.API_KEY });
  const ai = await api.handshake({ ai_name: "Scratch" });
  const mine = api.withOptions({ apiKey: ai.tokens.ai_token });
  const memory = await mine.memories.create({ ai_uuid: ai.ai_uuid, memory_type: "working_memory", memory_data: "from a scratch project" });
  const missing = await mine.memories.get(ai.ai_uuid, "archive", "nope").catch((error) => error instanceof NotFoundError);
  const stream = await mine.chat.completions.create({ model: "test-model", stream: true, messages: [{ role: "user", content: "scratch" }] });
  console.log(JSON.stringify({ content: memory.content, missing, streamed: await stream.text(), socket: typeof AiMemorySocket }));
`;

describe("the built package, installed in a scratch project", () => {
  it("ships only its build, with ESM, CommonJS and types for both entry points", () => {
    expect(packed.filter((path) => !path.startsWith("dist/") && !["package.json", "README.md"].includes(path))).toEqual([]);
    for (const format of ["esm", "cjs"]) {
      for (const entry of ["index", "socket-entry"]) expect(packed).toEqual(expect.arrayContaining([`dist/${format}/${entry}.js`, `dist/${format}/${entry}.d.ts`]));
    }
  });

  it("works from require() and from import, the socket entry point too", async () => {
    writeFileSync(join(scratch, "use.cjs"), `const { AiMemory, NotFoundError } = require("ai-memory-client");\nconst { AiMemorySocket } = require("ai-memory-client/socket");\n(async () => {${USE}})();`);
    writeFileSync(join(scratch, "use.mjs"), `import { AiMemory, NotFoundError } from "ai-memory-client";\nimport { AiMemorySocket } from "ai-memory-client/socket";\n${USE}`);
    for (const file of ["use.cjs", "use.mjs"]) {
      expect(JSON.parse(await node(file)), file).toEqual({ content: "from a scratch project", missing: true, streamed: "Echo: scratch", socket: "function" });
    }
  });

  it("type-checks a user's code through `exports`, as ESM and as CommonJS", () => {
    const code = (importLine: string) => `${importLine}
export async function use(api: AiMemory): Promise<Memory> {
  const memory = await api.memories.create({ ai_uuid: "u", memory_type: "archive", memory_data: { content: "x", tags: ["t"] } });
  // @ts-expect-error: not a memory type
  await api.memories.create({ ai_uuid: "u", memory_type: "short_term", memory_data: "x" });
  const stream = await api.chat.completions.create({ stream: true, messages: [{ role: "user", content: "hi" }] });
  for await (const chunk of stream) chunk.choices[0]?.delta.content?.toUpperCase();
  const socket: AiMemorySocket = new AiMemorySocket({ api, aiUuid: memory.ai_uuid });
  void socket;
  return memory;
}
`;
    const imports = 'import { AiMemory, type Memory } from "ai-memory-client";\nimport { AiMemorySocket } from "ai-memory-client/socket";';
    writeFileSync(join(scratch, "use-types.mts"), code(imports));
    writeFileSync(join(scratch, "use-types.cts"), code(imports));
    writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ["use-types.mts", "use-types.cts"] }));
    execFileSync(process.execPath, [join(rootDir, "node_modules/typescript/bin/tsc"), "-p", scratch], { encoding: "utf8" });
  });

  it("keeps the HTTP client's browser bundle under 30 kB minified, without Firebase", async () => {
    const bundle = await build({
      stdin: { contents: 'export * from "ai-memory-client";', resolveDir: scratch },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      write: false,
    });
    const code = bundle.outputFiles[0].text;
    console.log(`ai-memory-client HTTP client: ${code.length} bytes minified`);
    expect(code.length).toBeLessThan(30_000);
    expect(code).not.toMatch(/firebase|firestore/i);
  });
});

describe("the SDK's types", () => {
  it("are generated from the server's /openapi.json and match it (npm --prefix client run types)", async () => {
    const document = (await request(app).get("/openapi.json")).body;
    expect(await apiTypes(document)).toBe(readFileSync(join(clientDir, "src/openapi-types.ts"), "utf8"));
  });
});
