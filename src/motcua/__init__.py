"""motcua: an electronic one-stop shop for administrative procedures."""

__version__ = "0.1.0"
