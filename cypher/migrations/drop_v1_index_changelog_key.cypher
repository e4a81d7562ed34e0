DROP INDEX changelog_key IF EXISTS
