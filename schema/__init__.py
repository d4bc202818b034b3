"""The GraphQL composition root: root types from the areas, policy, errors, limits, the SDL."""
