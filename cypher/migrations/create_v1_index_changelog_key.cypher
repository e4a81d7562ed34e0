CREATE INDEX changelog_key IF NOT EXISTS FOR (n:ChangeLog) ON (n.key)
