"""Person record linkage (Splink 5): names, settings, training, clustering, evaluation."""
