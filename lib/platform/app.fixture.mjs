// Stands in for the web server under launcher.fixture.ts: answers GET / with the rows of `marks`.
import http from "node:http";
import pg from "pg";

const [url, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on("error", () => undefined); // a restarted database drops idle connections
http
  .createServer(async (_req, res) => {
    try {
      const r = await pool.query("SELECT coalesce(array_agg(label ORDER BY id), '{}') AS labels FROM marks");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ labels: r.rows[0].labels, pid: process.pid }));
    } catch (e) {
      res.writeHead(503).end(JSON.stringify({ error: e.message, pid: process.pid }));
    }
  })
  .listen(Number(port), "127.0.0.1", () => console.log("listening"));
