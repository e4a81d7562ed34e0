"""Importers and exporters: outside data shapes to and from :class:`~graphcrm.domain.ChangeSet`.

Importers validate their input and report every bad row by file, line and
column; they build rows through the domain models' own validation, never
around it. See ``docs/import-export.md``.

- :mod:`~graphcrm.io.salesforce`, :mod:`~graphcrm.io.hubspot`: CRM CSV exports;
- :mod:`~graphcrm.io.jsonio`: graphcrm's own JSON lines (import and write);
- :mod:`~graphcrm.io.krackhardt`: the Krackhardt high-tech managers data set;
- :mod:`~graphcrm.io.importing`: the shared import driver and the import report;
- :mod:`~graphcrm.io.export`: JSON, CSV, GraphML and GEXF exports;
- :mod:`~graphcrm.io.sfexport`: ChangeSets (a generated portfolio) as Salesforce files;
- :mod:`~graphcrm.io.formats`: one entry point by format name (CLI and API).
"""
