"""File import shared by the admin and the command line: reading, validation, all-or-nothing writes."""
