"""The application layer: one function per use case, under every interface."""
