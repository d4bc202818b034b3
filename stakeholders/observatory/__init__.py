"""The observatory: indicators computed in the database from the raw records, published
without exposing anyone (small cells suppressed, complementary suppression)."""
