"""The coordinated work model, one package per workflow area."""
