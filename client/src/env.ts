/** Reads an environment variable in Node; browsers have none, and get undefined. */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}

/** "host:port" as the emulator variables spell it. */
export function hostAndPort(value: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(value.replace(/^https?:\/\//, ""));
  if (!match) throw new Error(`expected host:port, got "${value}"`);
  return { host: match[1], port: Number(match[2]) };
}
