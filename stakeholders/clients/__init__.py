"""Machine clients: OAuth 2.0 client-credentials clients acting for one party with fixed roles."""
