"""Providers of the edges, one package (and Django app) each: ``contrib/<provider>/``.

A provider's app registers its plugin in its edge's registry when Django loads it (``ready``); listing the
app in ``INSTALLED_APPS`` makes it available, its settings (from the environment) make it configured.
Here today: ``webhook`` (an outbox destination for dossier events, with its stand-in receiver).
"""
