"""What every area's GraphQL types share: Relay nodes and pages, loaders, row access, context.

It sits under stakeholders/ rather than schema/ because the areas' types are built from it and
dependencies point one way (schema -> stakeholders).
"""
