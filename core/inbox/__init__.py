"""Questions the bot could not answer, sent anonymously to the community's moderators."""
