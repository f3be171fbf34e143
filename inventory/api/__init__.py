"""The catalogue's REST endpoints: products, categories and tags."""
