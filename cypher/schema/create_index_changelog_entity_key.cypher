CREATE INDEX changelog_entity_key IF NOT EXISTS FOR (n:ChangeLog) ON (n.entity, n.key)
