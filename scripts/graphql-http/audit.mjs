// graphql-http's server audit (GraphQL over HTTP conformance) against one URL; prints one JSON
// line per check: {id, name, status: "ok" | "warn" | "error", reason}.
import { auditServer } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}
const results = await auditServer({ url });
for (const result of results) {
  const { id, name, status } = result;
  const reason = status === "ok" ? null : result.reason;
  console.log(JSON.stringify({ id, name, status, reason }));
}
