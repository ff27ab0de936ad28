"""Storage: SQLAlchemy tables, Alembic migrations and the actor-bound door (scope + audit)."""
