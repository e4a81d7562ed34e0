CREATE INDEX account_parent_id IF NOT EXISTS FOR (n:Account) ON (n.parent_id)
