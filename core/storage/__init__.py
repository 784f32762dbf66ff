"""SQLModel tables and the SQL implementation of core's storage ports."""
