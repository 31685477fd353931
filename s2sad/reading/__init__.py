"""Tools that show derivatives to people."""
