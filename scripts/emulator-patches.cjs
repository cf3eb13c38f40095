// Loaded into the emulators' Node processes (NODE_OPTIONS, set by scripts/emulators.mjs) so that bad
// requests answer locally as they do deployed: clean JSON, never an HTML page or a proxy's 500.
//  - The Functions emulator's runtime parses JSON bodies before the function runs, and Express
//    answers a malformed one with an HTML page holding a stack trace: it gets our API's 400 instead.
//  - The Hosting emulator's rewrite proxy copies every request header to undici, which refuses the
//    hop-by-hop ones: `Expect: 100-continue` (curl sends it with any body over 1 MB) and
//    `Transfer-Encoding: chunked` (a streamed body) became a 500 in place of our answer.
const Module = require("node:module");

const inFunctionsRuntime = process.argv.some((arg) => arg.includes("functionsEmulatorRuntime"));

/** The API's error shape (functions/src/http/error-middleware.ts) for what body-parser refuses. */
function answerParseError(error, res, next) {
  const tooLarge = error.type === "entity.too.large";
  if (error.type !== "entity.parse.failed" && !tooLarge) return next(error);
  res.status(tooLarge ? 413 : 400).json({
    error: tooLarge
      ? { code: "payload_too_large", message: "body: the request body is too large", details: { field: "body" } }
      : { code: "invalid_argument", message: "body: malformed JSON", details: { field: "body" } },
  });
}

/** body-parser's JSON parser, answering what it refuses with the API's error. */
function patchBodyParser(bodyParser) {
  const json = bodyParser.json;
  Object.defineProperty(bodyParser, "json", {
    value: (options) => {
      const parse = json(options);
      return (req, res, next) => parse(req, res, (error) => (error ? answerParseError(error, res, next) : next()));
    },
  });
}

/** Headers that describe one connection, not the request: undici sets its own, and refuses these. */
const HOP_BY_HOP = ["expect", "transfer-encoding", "connection", "keep-alive", "upgrade"];

/** undici's request without the hop-by-hop headers the proxy copied from the client's connection. */
function patchUndici(undici) {
  const request = undici.request;
  undici.request = (url, options) => {
    if (options?.headers && !Array.isArray(options.headers))
      for (const name of HOP_BY_HOP) delete options.headers[name];
    return request(url, options);
  };
}

const patches = inFunctionsRuntime ? { "body-parser": patchBodyParser } : { undici: patchUndici };
const patched = new Set();
const load = Module._load;
Module._load = function loadPatched(request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (patches[request] && !patched.has(loaded)) {
    patched.add(loaded);
    patches[request](loaded);
  }
  return loaded;
};
