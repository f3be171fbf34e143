"""The REST endpoints of customers and orders."""
