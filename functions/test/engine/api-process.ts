import { type ChildProcess, spawn } from "node:child_process";
import type { AppConfig } from "../../src/config";
import { PROJECT_ID } from "../../../test-support/emulator";

/** The API served by a Node process of its own (serve-api.mjs): an instance with its own index cache. */
export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  stop(): void;
}

export async function startApiProcess(config: AppConfig): Promise<ApiProcess> {
  const child = spawn(process.execPath, [new URL("./serve-api.mjs", import.meta.url).pathname], {
    env: { ...process.env, API_PROCESS_CONFIG: JSON.stringify({ projectId: PROJECT_ID, config }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the API process ended (${code}): ${stderr}`)));
    child.stdout?.on("data", (chunk) => {
      const port = /listening (\d+)/.exec(String(chunk))?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
  });
  return { url, child, stderr: () => stderr, stop: () => child.kill() };
}
