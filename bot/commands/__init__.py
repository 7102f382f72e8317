"""One module per command group; each has `async def setup(bot)` adding its cog."""
