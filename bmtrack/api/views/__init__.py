"""API views: one module per resource group; ``base.py`` holds what they share."""
