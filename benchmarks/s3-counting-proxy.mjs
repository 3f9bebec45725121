// Starts the fauxqs S3 emulator and, in front of it on loopback, a proxy that counts every request by
// S3 operation. Prints "EMULATOR=<url>" and "PROXY=<url>", then serves until its stdin closes.
//   GET  /__bench/counts   the counts so far, as JSON      POST /__bench/reset   zero them
//   POST /__bench/latency?ms=N   hold each request N ms before passing it on (an S3 round trip; 0 by default)
// usage: node s3-counting-proxy.mjs <path of fauxqs/dist/app.js>
import http from "node:http";
import { pathToFileURL } from "node:url";

const app = process.argv[2];
if (!app) {
    console.error("usage: node s3-counting-proxy.mjs <path of fauxqs/dist/app.js> (installed by npm ci --prefix infra)");
    process.exit(2);
}
const { startFauxqs } = await import(pathToFileURL(app).href);
const emulator = await startFauxqs({ port: 0, logger: false });

let counts = {};
let latency = 0;
/** The S3 operation of a path-style request: GET, PUT, COPY, HEAD, DELETE on objects; LIST and others on buckets. */
const operation = (method, url, headers) => {
    const [path, query = ""] = url.split("?");
    const parameters = new URLSearchParams(query);
    const onObject = path.split("/").filter(Boolean).length > 1;
    if (!onObject) {
        if (method === "GET") return "LIST";
        if (method === "POST" && parameters.has("delete")) return "DELETE";
        return `${method} bucket`;
    }
    if (method === "PUT" && headers["x-amz-copy-source"]) return "COPY";
    if (method === "POST" || parameters.has("uploadId") || parameters.has("uploads")) return "MULTIPART";
    return method;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const proxy = http.createServer((request, response) => {
    if (request.url === "/__bench/counts") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }));
        return;
    }
    if (request.url === "/__bench/reset") {
        counts = {};
        response.writeHead(204).end();
        return;
    }
    if (request.url?.startsWith("/__bench/latency")) {
        latency = Number(new URLSearchParams(request.url.split("?")[1] ?? "").get("ms") ?? 0) || 0;
        response.writeHead(204).end();
        return;
    }
    const name = operation(request.method, request.url, request.headers);
    counts[name] = (counts[name] ?? 0) + 1;
    request.pause();
    setTimeout(() => {
        const upstream = http.request(
            { host: "127.0.0.1", port: emulator.port, method: request.method, path: request.url, headers: request.headers, agent },
            (reply) => {
                response.writeHead(reply.statusCode ?? 502, reply.headers);
                reply.pipe(response);
            },
        );
        upstream.on("error", (error) => {
            response.writeHead(502).end(String(error));
        });
        request.pipe(upstream);
        request.resume();
    }, latency);
});
proxy.listen(0, "127.0.0.1", () => {
    console.log(`EMULATOR=http://127.0.0.1:${emulator.port}`);
    console.log(`PROXY=http://127.0.0.1:${proxy.address().port}`);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
