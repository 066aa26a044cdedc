"""Importers: turn what other systems publish about procedures into the catalogue's own terms.

Each importer is pure Python (no Django) so it can be tested, profiled and run over whole data sets
without a database; loading the parsed result into the models is a separate step.
"""
