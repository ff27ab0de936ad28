"""joinedup: join the dots across agencies to protect children from sexual exploitation."""

__version__ = "0.1.0"
