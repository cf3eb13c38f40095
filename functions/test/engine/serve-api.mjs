// The HTTP app as a process of its own, compiled (functions/lib, which `npm test` builds first), on
// Node's default for an unhandled rejection: the process ends, as the Functions Framework's does.
// Its configuration comes as JSON in API_PROCESS_CONFIG; it prints `listening <port>` once it serves.
import { createRequire } from "node:module";

const fromFunctions = createRequire(new URL("../../package.json", import.meta.url));
const { initializeApp } = fromFunctions("firebase-admin/app");
const { getAuth } = fromFunctions("firebase-admin/auth");
const { getFirestore } = fromFunctions("firebase-admin/firestore");
const { createApp } = fromFunctions("./lib/http/app.js");
const { openAiModels } = fromFunctions("./lib/models/model-client.js");

const { projectId, config } = JSON.parse(process.env.API_PROCESS_CONFIG);
const app = initializeApp({ projectId });
const db = getFirestore(app);
const models = openAiModels(config, { timeoutMs: 5_000, maxRetries: 0 });
const server = createApp({ db, auth: getAuth(app), config, models }).listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
