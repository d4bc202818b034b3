"""The HTTP edge and process wiring: app, context, database, settings, CLI."""
