import { PROJECT_ID } from "./emulator";

/**
 * The `api` function's own URL in the Functions emulator, as the emulator hub reports it: the URL
 * the README recommends for streaming (Hosting buffers a rewritten function's streamed answer).
 */
export async function functionUrl(): Promise<string> {
  const hub = process.env.FIREBASE_EMULATOR_HUB;
  if (!hub) throw new Error("FIREBASE_EMULATOR_HUB is not set: run the tests with `npm test`");
  const emulators = (await (await fetch(`http://${hub}/emulators`)).json()) as { functions?: { host: string; port: number } };
  if (!emulators.functions) throw new Error("the Functions emulator is not running");
  return `http://${emulators.functions.host}:${emulators.functions.port}/${PROJECT_ID}/us-central1/api`;
}
