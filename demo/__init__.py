"""Demo data: the four source programmes, their parties and their coordinated work."""
