"""gigguard's composition root: settings, wiring and the CLI."""
