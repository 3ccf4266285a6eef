"""Products for people: tables written as files, the situation overview page."""
