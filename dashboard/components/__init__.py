"""Pure functions returning components and figures; they read no database."""
