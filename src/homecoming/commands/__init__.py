"""CLI command implementations (registered in homecoming.cli)."""
