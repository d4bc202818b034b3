"""The compiled read path (issue 14): a query's root fields compiled, with the policy, into one
SQL statement each that returns the field's JSON; the resolvers answer what it does not cover.
Switched on by ACCORD_COMPILED_READS (gateway.settings)."""

from __future__ import annotations

from schema.compiled.runner import CompiledReads, compiled_reads

__all__ = ["CompiledReads", "compiled"]

compiled = compiled_reads
