import { defineConfig } from "vitest/config";

/**
 * Two tiers. `unit`: pure logic (tokenizer, index, ranking, context, estimates, LoCoMo recall), no
 * emulator, seconds. `emulator`: everything that talks to Firestore, Auth, Functions or Hosting;
 * `npm test` starts the emulators for it (and sets FIRESTORE_EMULATOR_HOST and friends), after the
 * unit tier has passed.
 */
export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["functions/test/unit/**/*.test.ts", "client/test/unit/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        // The runner's own tests: each starts whole stacks with `npm start`, so they run apart, without emulators.
        test: {
          name: "stacks",
          include: ["scripts/test/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "emulator",
          // console/test drives the admin console in headless Chromium, against the same emulators.
          include: ["functions/test/**/*.test.ts", "client/test/**/*.test.ts", "console/test/**/*.test.ts"],
          exclude: ["functions/test/unit/**", "client/test/unit/**"],
          globalSetup: ["test-support/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
