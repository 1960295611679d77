// Raw node:http baseline: the app's benchmarked routes with the same observable behaviour, but no
// framework, no schema compiler, no logging and no load shedding. It is the ceiling the app is
// compared against, so it must stay as lean as a careful hand-written server would be.
import http from "node:http";

const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const host = process.env.HOST ?? "0.0.0.0";
const BODY_LIMIT = 65_536; // the app's body limit
const MAX_DATA_LENGTH = 10000;

const HELLO = JSON.stringify({ message: "Hello World" });
const HEALTHY = JSON.stringify({ status: "ok" });

function send(res, statusCode, payload) {
  res.writeHead(statusCode, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

function sendError(res, statusCode, error, message) {
  send(res, statusCode, JSON.stringify({ statusCode, error, message }));
}

function shout(req, res) {
  const contentType = req.headers["content-type"] ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    req.resume();
    sendError(res, 415, "Unsupported Media Type", "body must be application/json");
    return;
  }
  const chunks = [];
  let size = 0;
  let tooLarge = false;
  req.on("data", (chunk) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > BODY_LIMIT) {
      tooLarge = true;
      sendError(res, 413, "Payload Too Large", "request body is too large");
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (tooLarge) return;
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
    } catch {
      sendError(res, 400, "Bad Request", "body is not valid JSON");
      return;
    }
    // Characters are code points, as in the app's schema (and reversal keeps surrogate pairs).
    const chars =
      body !== null &&
      typeof body === "object" &&
      !Array.isArray(body) &&
      Object.keys(body).length === 1 &&
      typeof body.data === "string"
        ? Array.from(body.data)
        : [];
    if (chars.length < 1 || chars.length > MAX_DATA_LENGTH) {
      sendError(res, 400, "Bad Request", "body must be {data: string of 1..10000 characters}");
      return;
    }
    send(res, 200, JSON.stringify({ data: chars.reverse().join("").toUpperCase() }));
  });
}

const server = http.createServer((req, res) => {
  const path = req.url?.split("?", 1)[0];
  if (req.method === "GET" && path === "/") {
    send(res, 200, HELLO);
  } else if (req.method === "GET" && path === "/healthz") {
    send(res, 200, HEALTHY);
  } else if (req.method === "POST" && path === "/v1/shout") {
    shout(req, res);
  } else {
    req.resume();
    sendError(res, 404, "Not Found", `Route ${req.method}:${path} not found`);
  }
});

// Same keep-alive policy the app uses behind an ALB (idle timeout 60 s), so connection reuse
// behaves the same way under autocannon.
server.keepAliveTimeout = 65_000;

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}

server.listen(port, host);
