"""The moderators' web dashboard: aiohttp + Jinja2, server-rendered, served beside /healthz."""
