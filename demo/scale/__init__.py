"""The full-scale demo: the delivery of the four programmes at their real sizes, synthetic and
deterministic (seeded), loaded in bulk on top of the small catalogue."""

from demo.scale.full import PLANS, TABLES, Counted, load_full

__all__ = ["PLANS", "TABLES", "Counted", "load_full"]
