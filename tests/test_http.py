"""The HTTP edge: health, readiness, metrics, GraphiQL, and queries only over GET."""

from __future__ import annotations


async def test_health_and_readiness(http):
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_metrics_count_graphql_requests(http, anonymous_client):
    await anonymous_client.execute("{ viewer { sub } }")
    text = (await http.get("/metrics")).text
    assert 'accord_http_requests_total{method="POST",route="/graphql",status="200"}' in text


async def test_graphiql_is_served_to_browsers(http):
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_get_runs_queries_but_not_mutations(http):
    query = await http.get("/graphql", params={"query": "{ viewer { sub } }"})
    assert query.json() == {"data": {"viewer": {"sub": None}}}
    document = 'mutation { cancelResponsibility(input: {id: "x", version: 1, reason: "r"}) { %s } }'
    mutation = await http.get("/graphql", params={"query": document % "responsibility { id }"})
    assert mutation.status_code in (400, 405)
