import { startFakeOpenAi } from "./fake-openai-server";

/** Fails loudly when the suites are run without the emulators, instead of touching a real project. */
export default async function setup(): Promise<() => Promise<void>> {
  const missing = ["FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST"].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(`${missing.join(" and ")} not set: run the tests with \`npm test\`, which starts the emulators.`);
  }
  // The stand-in language model, on the port the runner gave the Functions emulator.
  const model = await startFakeOpenAi(Number(process.env.TEST_LLM_PORT ?? 18555));
  return () => model.close();
}
