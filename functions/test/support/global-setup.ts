/** Fails loudly when the suites are run without the emulators, instead of touching a real project. */
export default function setup(): void {
  const missing = ["FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST"].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(`${missing.join(" and ")} not set: run the tests with \`npm test\`, which starts the emulators.`);
  }
}
