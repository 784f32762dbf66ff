"""gigguard core: platform-neutral policy knowledge, member status and commands."""
