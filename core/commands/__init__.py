"""The /optout subcommands, platform-neutral."""
