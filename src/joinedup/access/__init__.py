"""Users, roles, grants, passwords, keys and field encryption."""
