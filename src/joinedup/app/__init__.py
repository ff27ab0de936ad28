"""The application layer: one function per use case, under every interface.

An interface (the CLI, later the web and its API) parses its input, calls one function here
and renders what it returns. A use case belongs in ``app/``: it opens the door for the acting
user (:class:`joinedup.app.context.Caller`), calls the feature packages in the right order and
returns plain typed results with names resolved, not only ids.
"""
