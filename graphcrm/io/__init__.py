"""Importers and exporters: outside data shapes to and from :class:`~graphcrm.domain.ChangeSet`.

Importers validate their input and raise :class:`~graphcrm.errors.InvalidError`
whose problems name the file and line of every bad row; they build rows
through the domain models' own validation, never around it.
"""
