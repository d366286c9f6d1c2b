"""Trained model files shipped with the package (loaded with importlib.resources)."""
