"""One writer per agency: each turns the events it saw into rows of its own export format."""
