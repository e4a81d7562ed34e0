CREATE INDEX rep_name_key IF NOT EXISTS FOR (n:Rep) ON (n.name_key, n.id)
