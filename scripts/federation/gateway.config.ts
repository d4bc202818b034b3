// Hive Gateway configuration for serving Accord's supergraph (see compose.mjs):
//
//   .npm-tools/federation/node_modules/.bin/hive-gateway supergraph supergraph.graphql \
//     -c scripts/federation/gateway.config.ts -h 127.0.0.1 -p 4000
//
// Hive Gateway transpiles this file itself (sucrase); the only import is a type, erased then, so
// the file works from any folder whatever node_modules is next to it.
//
// Tokens. The hub authenticates every request itself (`Authorization: Bearer <JWT>`; a bad token
// is refused with UNAUTHENTICATED, which the gateway passes on in a 200 answer, not a 401). The
// gateway forwards the header to the hub's subgraph only, the one composed under the name
// `accord` (or those named in ACCORD_GATEWAY_TOKEN_SUBGRAPHS, comma-separated): a token is meant
// for the hub (its audience), and another team's subgraph composed beside it has no use for it.
//
// @authenticated. The SDL marks what no anonymous caller can ever read. Hive Gateway ignores the
// directive unless told to act on it, so by default an anonymous request for such a field reaches
// the hub, which answers as it always does: null plus FORBIDDEN at the field's path, the rest of
// the data intact. ACCORD_GATEWAY_ENFORCE_AUTHENTICATED=1 makes the gateway refuse such requests
// itself, before they reach the hub: the whole operation, with HTTP 401 and
// UNAUTHORIZED_FIELD_OR_TYPE. "Authenticated" there means only that a bearer token was presented:
// the gateway holds no keys, the hub still verifies every token (its own and the trusted issuers').
// It is off by default because it costs public reads: Node has @authenticated implementations,
// so Hive Gateway then refuses every anonymous `node(id:)`, even `node(id:) { id }` of a published
// programme. The partial mode of that check (`rejectUnauthenticated: false`) is not used: in Hive
// Gateway 2.15.1 it answered a list under a refused field as an object.
//
// It reports nothing anywhere: usage reporting (Hive or Apollo GraphOS) and tracing are off
// unless enabled by the HIVE_*, APOLLO_KEY/APOLLO_GRAPH_REF or OPENTELEMETRY variables or
// options, which this configuration does not set (the test starts the gateway with them removed
// from its environment), and the browser pages (GraphiQL, landing page), which would load assets
// from a CDN, are off.
import type { GatewayCLIConfig } from '@graphql-hive/gateway';

const TOKEN_SUBGRAPHS = new Set(
  (process.env.ACCORD_GATEWAY_TOKEN_SUBGRAPHS ?? 'accord')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== ''),
);
const ENFORCE_AUTHENTICATED = process.env.ACCORD_GATEWAY_ENFORCE_AUTHENTICATED === '1';

function bearer(request: Request): string | null {
  const value = request.headers.get('authorization');
  return value !== null && /^bearer\s+\S/i.test(value) ? value : null;
}

export const gatewayConfig: GatewayCLIConfig = {
  propagateHeaders: {
    // Hive Gateway sends its own x-request-id to subgraphs already.
    fromClientToSubgraphs({ request, subgraphName }) {
      const authorization = request.headers.get('authorization');
      if (authorization === null || !TOKEN_SUBGRAPHS.has(subgraphName)) return {};
      return { authorization };
    },
  },
  ...(ENFORCE_AUTHENTICATED && {
    genericAuth: {
      mode: 'protect-granular',
      resolveUserFn: ({ request }) => (bearer(request) === null ? null : { bearer: true }),
    },
  }),
  graphiql: false,
  landingPage: false,
};
