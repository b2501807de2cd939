"""The Dash dashboard: pages, the query layer they read through, and labels and formats."""
