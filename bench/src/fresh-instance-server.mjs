// A fresh instance of the `api` function, as the bench starts it in a child process: it loads the
// built entry module (functions/lib/index.js) as an instance boots, then composes the app on its
// first request, as index.ts does through http/api-handler. The one difference: its Firestore is
// the bench's named database (BENCH_DATABASE), where the sized AIs live. It prints its port, then
// how long composing the app took (module loading, on the first request's path).
import { createServer } from "node:http";
import { createRequire } from "node:module";

const functions = createRequire(new URL("../../functions/package.json", import.meta.url));
functions("./lib/index.js");

let app = null;

function compose() {
  const { composeAppDeps } = functions("./lib/compose.js");
  const { createApp } = functions("./lib/http/app.js");
  const { adminApp } = functions("./lib/admin-app.js");
  const { getFirestore } = functions("firebase-admin/firestore");
  const db = getFirestore(adminApp(), process.env.BENCH_DATABASE);
  db.settings({ ignoreUndefinedProperties: true });
  return createApp({ ...composeAppDeps(), db });
}

const server = createServer((req, res) => {
  if (!app) {
    const start = performance.now();
    app = compose();
    process.stdout.write(`compose ${performance.now() - start}\n`);
  }
  app(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
