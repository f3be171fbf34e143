"""Staff accounts: the profile beside every User, and the page where a user edits their own."""
