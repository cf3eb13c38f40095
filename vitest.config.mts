import { defineConfig } from "vitest/config";

// Run through `npm test`: it starts the emulators and sets FIRESTORE_EMULATOR_HOST and friends.
export default defineConfig({
  test: {
    include: ["functions/test/**/*.test.ts", "client/test/**/*.test.ts", "console/test/**/*.test.ts"],
    globalSetup: ["functions/test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
  },
});
