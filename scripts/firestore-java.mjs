// firebase-tools 15 starts its Firestore emulator only on Java 21 or newer, and downloads the
// emulator's jar on first use. Where only Java 17 is installed, with the Google Cloud CLI's official
// Firestore emulator (Debian package google-cloud-cli-firestore-emulator), this module points
// firebase-tools at that jar and puts a small `java` shim first on PATH. The shim answers
// `java -version` as 21 and starts the jar by its main class (the CLI's jar has no Main-Class).
// With Java 21 present it does nothing.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CLOUD_CLI_JAR_DIRS = [
  "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator",
  "/usr/share/google-cloud-sdk/platform/cloud-firestore-emulator",
  "/opt/google-cloud-sdk/platform/cloud-firestore-emulator",
];
const MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

export function javaMajorVersion() {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (result.error) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return null;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

function findCloudCliJar() {
  if (process.env.FIRESTORE_EMULATOR_BINARY_PATH) return process.env.FIRESTORE_EMULATOR_BINARY_PATH;
  const gcloud = spawnSync("gcloud", ["info", "--format=value(installation.sdk_root)"], { encoding: "utf8" });
  const dirs =
    gcloud.status === 0 && gcloud.stdout.trim()
      ? [join(gcloud.stdout.trim(), "platform", "cloud-firestore-emulator"), ...CLOUD_CLI_JAR_DIRS]
      : CLOUD_CLI_JAR_DIRS;
  for (const dir of dirs) {
    const jar = join(dir, "cloud-firestore-emulator.jar");
    if (existsSync(jar)) return jar;
  }
  return null;
}

/** The environment additions that make firebase-tools run the Firestore emulator on this machine. */
export function prepareFirestoreJava(localDir) {
  const major = javaMajorVersion();
  if (major !== null && major >= 21) return {};
  const jar = findCloudCliJar();
  if (major === null || !jar) {
    console.error(
      `The Firestore emulator needs Java 21 or newer (found: ${major ?? "no java"}), or Java 17 with the ` +
        "Google Cloud CLI's Firestore emulator (apt-get install google-cloud-cli-firestore-emulator).",
    );
    process.exit(1);
  }
  const realJava = spawnSync("bash", ["-c", "command -v java"], { encoding: "utf8" }).stdout.trim();
  const shimDir = join(localDir, "java-shim");
  mkdirSync(shimDir, { recursive: true });
  const shim = join(shimDir, "java");
  writeFileSync(
    shim,
    `#!/usr/bin/env bash
# Written by scripts/firestore-java.mjs: lets firebase-tools run the Cloud CLI Firestore emulator on Java ${major}.
for arg in "$@"; do
  if [ "$arg" = "-version" ]; then echo 'openjdk version "21.0.0" (shim over Java ${major}, see scripts/firestore-java.mjs)' >&2; exit 0; fi
done
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "-jar" ] && [ "$2" = "${jar}" ]; then args+=(-cp "${jar}" ${MAIN_CLASS}); shift 2
  else args+=("$1"); shift; fi
done
exec "${realJava}" "\${args[@]}"
`,
  );
  chmodSync(shim, 0o755);
  console.log(
    `Java ${major} here: the Firestore emulator is the Google Cloud CLI's (${jar}), started through a java shim in ${shimDir}.`,
  );
  return { PATH: `${shimDir}:${process.env.PATH}`, FIRESTORE_EMULATOR_BINARY_PATH: jar };
}
